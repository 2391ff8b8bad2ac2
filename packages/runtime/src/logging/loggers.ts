import type { Logger } from '@tributary/api';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Kafka's `/admin/loggers` speaks log4j levels; both spellings are accepted. */
const FROM_LOG4J: Readonly<Record<string, LogLevel>> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  OFF: 'silent',
};

/** Parses a level name in pino or log4j spelling; undefined when unknown. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const lower = text.trim().toLowerCase() as LogLevel;
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower;
  return FROM_LOG4J[text.trim().toUpperCase()];
}

interface Named {
  readonly name: string;
  readonly logger: PinoLogger;
}

/**
 * Named, hierarchical loggers (dotted names, e.g. `tributary.task.orders-0`) over one pino root, with
 * levels that can be changed at runtime for a name and all its descendants (`PUT /admin/loggers/{name}`).
 */
export class LoggerRegistry {
  readonly root: PinoLogger;
  readonly #loggers = new Map<string, Named>();
  /** Levels set explicitly through the API: name → level and when. */
  readonly #explicit = new Map<string, { level: LogLevel; lastModified: number }>();

  constructor(options: { level?: LogLevel; destination?: DestinationStream; base?: Record<string, unknown> } = {}) {
    this.root = pino(
      {
        level: options.level ?? 'info',
        base: options.base ?? null,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      options.destination ?? pino.destination({ fd: 2, sync: false }),
    );
  }

  /** The pino logger for a name (created on first use, inheriting the nearest explicit level). */
  pino(name: string): PinoLogger {
    let named = this.#loggers.get(name);
    if (named === undefined) {
      const logger = this.root.child({ logger: name });
      logger.level = this.#effectiveLevel(name);
      named = { name, logger };
      this.#loggers.set(name, named);
    }
    return named.logger;
  }

  /** An SDK {@link Logger} for plugins. */
  get(name: string): Logger {
    return toSdkLogger(this.pino(name));
  }

  /** Levels of the loggers set explicitly, plus the root (`/admin/loggers`). */
  levels(): Record<string, { level: string; last_modified: number | null }> {
    const out: Record<string, { level: string; last_modified: number | null }> = {
      root: { level: this.root.level.toUpperCase(), last_modified: this.#explicit.get('root')?.lastModified ?? null },
    };
    for (const [name, e] of [...this.#explicit].sort(([a], [b]) => a.localeCompare(b))) {
      if (name !== 'root') out[name] = { level: e.level.toUpperCase(), last_modified: e.lastModified };
    }
    return out;
  }

  /** The effective level of one logger name (explicit, inherited, or root's). */
  level(name: string): { level: string; last_modified: number | null } {
    const explicit = this.#explicit.get(name);
    return { level: this.#effectiveLevel(name).toUpperCase(), last_modified: explicit?.lastModified ?? null };
  }

  /**
   * Sets the level of `name` and every logger below it (`root` = all). Returns the names of the existing
   * loggers whose level changed, as Kafka's answer lists them.
   */
  setLevel(name: string, level: LogLevel): string[] {
    this.#explicit.set(name, { level, lastModified: Date.now() });
    if (name === 'root') {
      this.root.level = level;
      // A root change overrides every descendant's explicit level, as in Kafka (log4j root).
      for (const key of [...this.#explicit.keys()]) if (key !== 'root') this.#explicit.delete(key);
    } else {
      for (const key of [...this.#explicit.keys()]) if (isBelow(key, name) && key !== name) this.#explicit.delete(key);
    }
    const affected: string[] = name === 'root' ? ['root'] : [];
    for (const named of this.#loggers.values()) {
      const effective = this.#effectiveLevel(named.name);
      if (named.logger.level !== effective || isBelow(named.name, name) || name === 'root') {
        named.logger.level = effective;
        affected.push(named.name);
      }
    }
    if (name !== 'root' && !affected.includes(name)) affected.push(name);
    return affected.sort();
  }

  /** Flushes buffered output (before exit). */
  flush(): void {
    this.root.flush();
  }

  #effectiveLevel(name: string): LogLevel {
    let best: { length: number; level: LogLevel } | undefined;
    for (const [key, e] of this.#explicit) {
      if (key !== 'root' && isBelow(name, key) && (best === undefined || key.length > best.length)) {
        best = { length: key.length, level: e.level };
      }
    }
    return best?.level ?? (this.root.level as LogLevel);
  }
}

/** True when `name` is `ancestor` or a dotted descendant of it. */
function isBelow(name: string, ancestor: string): boolean {
  return name === ancestor || name.startsWith(`${ancestor}.`);
}

/** Adapts pino to the SDK's Logger (message first, structured fields second). */
export function toSdkLogger(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => (fields === undefined ? logger.debug(message) : logger.debug(fields, message)),
    info: (message, fields) => (fields === undefined ? logger.info(message) : logger.info(fields, message)),
    warn: (message, fields) => (fields === undefined ? logger.warn(message) : logger.warn(fields, message)),
    error: (message, fields) => (fields === undefined ? logger.error(message) : logger.error(fields, message)),
  };
}
