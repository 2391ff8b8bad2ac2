import { ConfigSpec, type ConnectRecord, type Transformation } from '@tributary/api';
import { ROCKETMQ_TRANSFORMS } from '../util/config.js';
import { defineKeyValueTransformation, type Side } from '../util/side.js';

class SetNull implements Transformation {
  readonly #side: Side;

  constructor(side: Side) {
    this.#side = side;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (this.#side.value(record) === null && this.#side.schema(record) === null) return record;
    return this.#side.update(record, null, null);
  }
}

/** `SetNull$Key` and `SetNull$Value` (RocketMQ Connect): set the key (or value) and its schema to null. */
export const setNull = defineKeyValueTransformation({
  name: 'SetNull',
  classNames: [`${ROCKETMQ_TRANSFORMS}.SetNull`],
  summary: 'Set the key or value, and its schema, to null',
  spec: ConfigSpec.create(),
  create: (_config, side) => new SetNull(side),
});
