#!/usr/bin/env bash
# Regenerates src/converters/fixtures/kafka-golden.json with Kafka's real converters.
# Needs java (17+) and mvn; fetches org.apache.kafka:connect-json/connect-api/connect-runtime into a cache.
#   packages/transforms/kafka-golden/generate.sh           # rewrite the committed fixtures
#   packages/transforms/kafka-golden/generate.sh --stdout  # print them instead (used by the integration test)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
cache="${TRIBUTARY_CACHE:-$HOME/.cache/tributary}/kafka-connect-json/$version"
if [ ! -f "$cache/.complete" ]; then
  mkdir -p "$cache"
  mvn -B -q -f "$here/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$cache" >&2
  touch "$cache/.complete"
fi
out="$(java -cp "$cache/*" "$here/GenerateGolden.java")"
if [ "${1:-}" = "--stdout" ]; then
  printf '%s\n' "$out"
else
  printf '%s\n' "$out" > "$here/../src/converters/fixtures/kafka-golden.json"
  echo "wrote src/converters/fixtures/kafka-golden.json (Kafka $version)" >&2
fi
