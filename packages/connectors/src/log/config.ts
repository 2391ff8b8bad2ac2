import { ConfigSpec, type ParsedConfig, range } from '@tributary/api';

/** Level the records are logged at. */
export const LOG_LEVEL_CONFIG = 'log.level';
/** Log only every Nth record (per task). */
export const LOG_EVERY_CONFIG = 'log.every';
/** Longest rendering of a key or value, in characters. */
export const LOG_MAX_CHARS_CONFIG = 'log.max.chars';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Configuration of LogSink. */
export const LOG_SINK_SPEC = ConfigSpec.create()
  .enum(LOG_LEVEL_CONFIG, LOG_LEVELS, {
    doc: 'Level at which records are logged.',
    default: 'info',
    caseInsensitive: true,
    importance: 'medium',
  })
  .int(LOG_EVERY_CONFIG, {
    doc: 'Log one record out of this many (per task): 1 logs every record, 1000 the 1st, 1001st, 2001st, ...',
    default: 1,
    validate: range(1),
    importance: 'medium',
    examples: ['1', '1000'],
  })
  .int(LOG_MAX_CHARS_CONFIG, {
    doc: 'Keys and values rendered longer than this many characters are cut, with an ellipsis; 0 = no limit.',
    default: 1000,
    validate: range(0),
    importance: 'low',
  });

export type LogSinkConfig = ParsedConfig<typeof LOG_SINK_SPEC>;
