import { ConfigSpec, defineTransformation, type Transformation, type TransformationPlugin } from '@tributary/api';
import { KAFKA_TRANSFORMS, TRANSFORMS_VERSION } from './util/config.js';

const DROP_ALL: Transformation = Object.freeze({ apply: () => null });

/** `Filter`: drops every record; meant to run only where a predicate (or its negation) holds. */
export const filter: TransformationPlugin = defineTransformation({
  name: 'Filter',
  aliases: [`${KAFKA_TRANSFORMS}.Filter`],
  version: TRANSFORMS_VERSION,
  summary:
    'Drops all records, filtering them from subsequent transformations in the chain; intended to be used with a predicate',
  spec: ConfigSpec.create(),
  create: () => DROP_ALL,
});
