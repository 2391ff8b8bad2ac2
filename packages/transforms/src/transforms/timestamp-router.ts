import {
  ConfigSpec,
  type ConnectRecord,
  custom,
  DataError,
  defineTransformation,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, TRANSFORMS_VERSION } from './util/config.js';
import { SimpleDateFormat } from './util/simple-date-format.js';

/** TimestampRouter's config: `topic.format`, `timestamp.format`. */
export const TIMESTAMP_ROUTER_SPEC = ConfigSpec.create()
  .string('topic.format', {
    doc:
      'Format string which can contain `${topic}` and `${timestamp}` as placeholders for the topic and ' +
      'timestamp, respectively.',
    default: '${topic}-${timestamp}',
    importance: 'high',
    examples: ['${topic}_${timestamp}'],
  })
  .string('timestamp.format', {
    doc: 'Format string for the timestamp that is compatible with `java.text.SimpleDateFormat` (formatted in UTC).',
    default: 'yyyyMMdd',
    importance: 'high',
    examples: ['yyyy-MM-dd', 'yyyyMMddHH'],
    validate: custom<string | null>('SimpleDateFormat pattern', (v) => {
      if (v === null) return undefined;
      try {
        new SimpleDateFormat(v.trim());
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    }),
  });

/** The topic format split at its placeholders, so each record only joins strings. */
type Part = string | { readonly placeholder: 'topic' | 'timestamp' };

function compileTopicFormat(format: string): readonly Part[] {
  const parts: Part[] = [];
  const re = /\$\{(topic|timestamp)\}/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    if (m.index > last) parts.push(format.slice(last, m.index));
    parts.push({ placeholder: m[1] as 'topic' | 'timestamp' });
    last = m.index + m[0].length;
  }
  if (last < format.length) parts.push(format.slice(last));
  return parts;
}

class TimestampRouter implements Transformation {
  readonly #parts: readonly Part[];
  readonly #format: SimpleDateFormat;
  /** Records come in time order, so consecutive ones usually fall in the same formatted bucket. */
  #lastTimestamp = Number.NaN;
  #lastFormatted = '';

  constructor(parts: readonly Part[], format: SimpleDateFormat) {
    this.#parts = parts;
    this.#format = format;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const ts = record.timestamp;
    if (ts === null || ts === undefined) {
      throw new DataError(`Timestamp missing on record of topic '${record.topic}': TimestampRouter needs one`);
    }
    if (ts !== this.#lastTimestamp) {
      this.#lastFormatted = this.#format.format(ts);
      this.#lastTimestamp = ts;
    }
    let topic = '';
    for (const p of this.#parts) {
      topic += typeof p === 'string' ? p : p.placeholder === 'topic' ? record.topic : this.#lastFormatted;
    }
    return { ...record, topic };
  }
}

/** `TimestampRouter`: renames the topic from the topic and the record timestamp (e.g. per-day indexes). */
export const timestampRouter: TransformationPlugin = defineTransformation({
  name: 'TimestampRouter',
  aliases: [`${KAFKA_TRANSFORMS}.TimestampRouter`],
  version: TRANSFORMS_VERSION,
  summary: "Update the record's topic as a function of the original topic value and the record timestamp",
  spec: TIMESTAMP_ROUTER_SPEC,
  create: (config) =>
    new TimestampRouter(
      compileTopicFormat(config['topic.format'].trim()),
      new SimpleDateFormat(config['timestamp.format'].trim()),
    ),
});
