import {
  ConfigSpec,
  type ConnectRecord,
  defineTransformation,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { KAFKA_TRANSFORMS, nonEmptyList, TRANSFORMS_VERSION } from './util/config.js';

/** DropHeaders' config: `headers`. */
export const DROP_HEADERS_SPEC = ConfigSpec.create().list('headers', {
  doc: 'The name of the headers to be removed.',
  importance: 'high',
  examples: ['trace-id,debug'],
  validate: nonEmptyList(),
});

class DropHeaders implements Transformation {
  readonly #names: ReadonlySet<string>;

  constructor(names: readonly string[]) {
    this.#names = new Set(names);
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const headers = record.headers.removeAll(this.#names);
    return headers === record.headers ? record : { ...record, headers };
  }
}

/** `DropHeaders`: removes every header with one of the configured names. */
export const dropHeaders: TransformationPlugin = defineTransformation({
  name: 'DropHeaders',
  aliases: [`${KAFKA_TRANSFORMS}.DropHeaders`],
  version: TRANSFORMS_VERSION,
  summary: 'Removes one or more headers from each record',
  spec: DROP_HEADERS_SPEC,
  create: (config) => new DropHeaders(config.headers),
});
