export { EmbeddedBroker, type RecoveryReport } from './embedded-broker.js';
export {
  EMBEDDED_BROKER_CONFIG,
  EMBEDDED_BROKER_DEFAULTS,
  type EmbeddedBrokerOptions,
  type EmbeddedTopicConfig,
  embeddedBrokerOptionsFromConfig,
  type FsyncPolicy,
} from './options.js';
export { queueForKey } from './partitioner.js';
export { topicNameProblem } from './topic-metadata.js';
