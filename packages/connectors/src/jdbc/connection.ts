import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, ConnectError, type Logger, NotConnectedError, type Password } from '@tributary/api';
import {
  CONNECTION_ATTEMPTS,
  CONNECTION_BACKOFF_MS,
  CONNECTION_PASSWORD,
  CONNECTION_URL,
  CONNECTION_USER,
  DB_TIMEZONE,
  DIALECT_NAME,
} from './config.js';
import type { DbSession, Dialect } from './dialect/dialect.js';
import { mysqlDialect } from './dialect/mysql.js';
import { postgresDialect } from './dialect/postgres.js';
import { type JdbcUrl, parseJdbcUrl, redactJdbcUrl } from './jdbc-url.js';
import { type Zone, zoneOf } from './time.js';

/** The connection keys of both connectors, parsed. */
export interface ConnectionConfig {
  readonly [CONNECTION_URL]: string;
  readonly [CONNECTION_USER]: string | null;
  readonly [CONNECTION_PASSWORD]: Password | null;
  readonly [CONNECTION_ATTEMPTS]: number;
  readonly [CONNECTION_BACKOFF_MS]: number;
  readonly [DIALECT_NAME]: string;
  readonly [DB_TIMEZONE]: string;
}

/** Everything needed to open sessions, resolved once from the config. */
export interface Database {
  readonly dialect: Dialect;
  readonly url: JdbcUrl;
  readonly zone: Zone;
  /** The URL with its password hidden, for messages. */
  readonly display: string;
  /** Opens a session, trying `connection.attempts` times `connection.backoff.ms` apart. @throws NotConnectedError */
  open(logger: Logger, signal?: AbortSignal): Promise<DbSession>;
}

/** The dialect of `dialect.name`, or of the URL's sub-protocol when it is empty. */
export function dialectFor(url: JdbcUrl, dialectName: string): Dialect {
  const name = dialectName.trim().toLowerCase();
  if (name === '') return url.dialect === 'mysql' ? mysqlDialect : postgresDialect;
  if (name === 'mysqldatabasedialect' || name === 'mysql' || name === 'mariadb') return mysqlDialect;
  if (name === 'postgresqldatabasedialect' || name === 'postgresql') return postgresDialect;
  throw new ConfigError(`Unknown ${DIALECT_NAME} '${dialectName}'`, { [DIALECT_NAME]: ['unknown dialect'] });
}

/** Resolves the connection keys (URL, credentials, dialect, zone). @throws ConfigError */
export function databaseOf(config: ConnectionConfig, applicationName: string): Database {
  const url = parseJdbcUrl(config[CONNECTION_URL]);
  const dialect = dialectFor(url, config[DIALECT_NAME]);
  const zone = zoneOf(config[DB_TIMEZONE]);
  if (zone === undefined) {
    throw new ConfigError(`Unknown time zone '${config[DB_TIMEZONE]}'`, { [DB_TIMEZONE]: ['unknown time zone'] });
  }
  const user = config[CONNECTION_USER] ?? url.user;
  const password = config[CONNECTION_PASSWORD]?.reveal() ?? url.password;
  const display = redactJdbcUrl(config[CONNECTION_URL]);
  const attempts = config[CONNECTION_ATTEMPTS];
  const backoffMs = config[CONNECTION_BACKOFF_MS];
  return {
    dialect,
    url,
    zone,
    display,
    async open(logger, signal) {
      let last: unknown;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          return await dialect.connect({
            url,
            user: user === '' ? undefined : (user ?? undefined),
            password,
            zone,
            applicationName,
          });
        } catch (e) {
          last = e;
          if (e instanceof ConfigError || isAuthError(e)) break;
          if (attempt < attempts) {
            logger.warn(`Connecting to ${display} failed (attempt ${attempt} of ${attempts}): ${(e as Error).message}`);
            if (signal?.aborted) break;
            try {
              await sleep(backoffMs, undefined, signal === undefined ? {} : { signal });
            } catch {
              break;
            }
          }
        }
      }
      if (last instanceof ConfigError) throw last;
      if (isAuthError(last)) {
        throw new ConnectError(`Could not connect to ${display}: ${(last as Error).message}`, { cause: last });
      }
      throw new NotConnectedError(`Could not connect to ${display}: ${(last as Error)?.message ?? 'aborted'}`, {
        cause: last,
      });
    },
  };
}

// Wrong password or unknown database: waiting will not help.
function isAuthError(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown };
  return (
    err.code === '28P01' ||
    err.code === '28000' ||
    err.code === '3D000' ||
    err.errno === 1045 ||
    err.errno === 1044 ||
    err.errno === 1049
  );
}
