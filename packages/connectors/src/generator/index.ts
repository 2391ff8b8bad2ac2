import { defineSourceConnector } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { GENERATOR_SPEC } from './config.js';
import { GeneratorConnector, GeneratorTask } from './source.js';

export * from './config.js';
export { GENERATOR_VALUE_SCHEMA } from './values.js';

/** A source of schema'd records at a set rate, for demos and benchmarks. */
export const generatorSource = defineSourceConnector({
  name: 'Generator',
  aliases: ['GeneratorSource', 'GeneratorSourceConnector', 'DataGenerator'],
  version: CONNECTORS_VERSION,
  summary: "Generates schema'd records of a configurable size at a set rate, resuming its sequence after restarts.",
  spec: GENERATOR_SPEC,
  createConnector: () => new GeneratorConnector(),
  createTask: () => new GeneratorTask(),
});
