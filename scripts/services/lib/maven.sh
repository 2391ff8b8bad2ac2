# shellcheck shell=bash
# maven_fetch NAME LIB GROUP:ARTIFACT:VERSION ...: copies the artifacts and their runtime dependencies from
# Maven Central into LIB once (a .complete marker makes later calls free). Needs log and die from the
# caller, and $CACHE; NAME is for messages and the work dir ($CACHE/NAME).
maven_fetch() {
  local name=$1 lib=$2
  shift 2
  [ -f "$lib/.complete" ] && return 0
  command -v mvn >/dev/null || die "$name: mvn is needed to fetch the jars (apt-get install maven)"
  command -v java >/dev/null || die "$name: java (17) is needed (apt-get install openjdk-17-jre-headless)"
  log "$name: fetching $* from Maven Central into $lib"
  local work="$CACHE/$name" deps='' coords g a v
  for coords in "$@"; do
    IFS=: read -r g a v <<<"$coords"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  mkdir -p "$work"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tributary</groupId><artifactId>${name%%-*}-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
POM
  rm -rf "$lib"
  (cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime) >&2 || die "$name: maven could not fetch the jars"
  touch "$lib/.complete"
}
