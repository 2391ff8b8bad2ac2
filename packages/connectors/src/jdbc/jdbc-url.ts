import { ConfigError } from '@tributary/api';

/** The database families this connector speaks to. */
export type DialectName = 'mysql' | 'postgresql';

/** What a JDBC URL says, in the form the Node drivers take. */
export interface JdbcUrl {
  /** The dialect the URL's sub-protocol selects (`mysql`, `mariadb` and `oceanbase` → mysql). */
  readonly dialect: DialectName;
  /** The sub-protocol as written (`mysql`, `mariadb`, `oceanbase`, `postgresql`). */
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  /** Further hosts of a multi-host URL (failover lists); only the first one is used. */
  readonly extraHosts: readonly { readonly host: string; readonly port: number }[];
  /** The database (MySQL: the default schema); empty when the URL names none. */
  readonly database: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Every query parameter, percent-decoded; later duplicates win. */
  readonly properties: Readonly<Record<string, string>>;
}

const DEFAULT_PORTS: Readonly<Record<DialectName, number>> = { mysql: 3306, postgresql: 5432 };

const PROTOCOLS: Readonly<Record<string, DialectName>> = {
  mysql: 'mysql',
  mariadb: 'mysql',
  oceanbase: 'mysql',
  postgresql: 'postgresql',
  postgres: 'postgresql',
  pgsql: 'postgresql',
};

/**
 * Parses a JDBC URL as MySQL Connector/J, MariaDB Connector/J and pgJDBC read them:
 *
 * - `jdbc:mysql://[user[:password]@]host[:port][,host2[:port2]...]/[database][?k=v&...]`
 *   (also `jdbc:mariadb:`, `jdbc:oceanbase:` and sub-protocol suffixes such as `jdbc:mysql:loadbalance:`);
 * - `jdbc:postgresql://host[:port][,host2...]/database[?k=v&...]`, `jdbc:postgresql:database`,
 *   `jdbc:postgresql:/`; IPv6 hosts in brackets.
 *
 * `user` and `password` come from the user-info part or the `user`/`password` parameters (parameters win,
 * as in both drivers). Values are percent-decoded.
 * @throws ConfigError naming `connection.url` when the text is not such a URL.
 */
export function parseJdbcUrl(url: string, key = 'connection.url'): JdbcUrl {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid JDBC URL for ${key}: ${why}`, { [key]: [why] });
  };
  const text = url.trim();
  const m = /^jdbc:([a-z0-9]+)((?::[a-z]+)*):(.*)$/i.exec(text);
  if (m === null) return fail(`'${redact(text)}' does not start with jdbc:<subprotocol>:`);
  const protocol = m[1]!.toLowerCase();
  const dialect = PROTOCOLS[protocol];
  if (dialect === undefined) {
    return fail(`unsupported sub-protocol '${protocol}' (supported: ${Object.keys(PROTOCOLS).join(', ')})`);
  }
  let rest = m[3]!;
  const defaultPort = DEFAULT_PORTS[dialect];

  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const properties: Record<string, string> = {};
  for (const part of query.split(/[&;]/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decode(eq < 0 ? part : part.slice(0, eq), fail);
    properties[k] = eq < 0 ? '' : decode(part.slice(eq + 1), fail);
  }

  let user: string | undefined;
  let password: string | undefined;
  let hosts: { host: string; port: number }[] = [];
  let database = '';
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    let authority = slash < 0 ? rest : rest.slice(0, slash);
    database = slash < 0 ? '' : decode(rest.slice(slash + 1), fail);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const info = authority.slice(0, at);
      authority = authority.slice(at + 1);
      const colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.slice(0, colon), fail);
      if (colon >= 0) password = decode(info.slice(colon + 1), fail);
    }
    hosts = authority === '' ? [] : splitHosts(authority).map((h) => parseHost(h, defaultPort, fail));
  } else if (dialect === 'postgresql') {
    // jdbc:postgresql:database and jdbc:postgresql:/ (pgJDBC's short forms, localhost:5432).
    database = decode(rest.replace(/^\//, ''), fail);
  } else {
    return fail(`expected '//' after jdbc:${protocol}:`);
  }
  if (database.includes('/')) return fail(`database name '${database}' contains '/'`);
  if (hosts.length === 0) hosts = [{ host: 'localhost', port: defaultPort }];
  if (properties.user !== undefined) user = properties.user;
  if (properties.password !== undefined) password = properties.password;
  if (dialect === 'postgresql' && properties.PGDBNAME !== undefined) database = properties.PGDBNAME;
  if (dialect === 'postgresql' && properties.PGHOST !== undefined) {
    hosts = [{ host: properties.PGHOST, port: Number(properties.PGPORT ?? defaultPort) }];
  }
  const [first, ...extra] = hosts;
  return Object.freeze({
    dialect,
    protocol,
    host: first!.host,
    port: first!.port,
    extraHosts: Object.freeze(extra),
    database,
    user,
    password,
    properties: Object.freeze(properties),
  });
}

/** The URL with its password (user-info or parameter) replaced by `****`, for messages and logs. */
export function redactJdbcUrl(url: string): string {
  return redact(url);
}

function redact(url: string): string {
  return url.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1****@').replace(/([?&;]password=)[^&;]*/gi, '$1****');
}

function splitHosts(authority: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < authority.length; i++) {
    const c = authority[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(authority.slice(start, i));
      start = i + 1;
    }
  }
  out.push(authority.slice(start));
  return out.map((h) => h.trim()).filter((h) => h !== '');
}

function parseHost(text: string, defaultPort: number, fail: (why: string) => never): { host: string; port: number } {
  // Connector/J's key-value host form: address=(host=h)(port=p)
  const kv = /^address=(.*)$/i.exec(text);
  if (kv !== null) {
    const host = /\(host=([^)]*)\)/i.exec(kv[1]!)?.[1] ?? 'localhost';
    const port = /\(port=([^)]*)\)/i.exec(kv[1]!)?.[1];
    return { host, port: port === undefined ? defaultPort : toPort(port, fail) };
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail(`unclosed '[' in host '${text}'`);
    const host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after === '') return { host, port: defaultPort };
    if (!after.startsWith(':')) return fail(`unexpected '${after}' after host [${host}]`);
    return { host, port: toPort(after.slice(1), fail) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: defaultPort };
  if (text.indexOf(':') !== colon) return fail(`IPv6 host '${text}' must be written in brackets`);
  const host = text.slice(0, colon) || 'localhost';
  return { host, port: colon === text.length - 1 ? defaultPort : toPort(text.slice(colon + 1), fail) };
}

function toPort(text: string, fail: (why: string) => never): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) return fail(`invalid port '${text}'`);
  return n;
}

function decode(text: string, fail: (why: string) => never): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    return fail(`invalid percent-encoding in '${text}'`);
  }
}
