export { RocketMQConsumer } from './consumer.js';
export { toConnectError as rocketmqErrorToConnectError } from './errors.js';
export {
  decodeRecord,
  type EncodedRecord,
  encodeRecord,
  MAX_RECORD_PROPERTIES_BYTES,
  PROP_EMPTY,
  PROP_KEY,
  PROP_TIMESTAMP,
  PROP_TOMBSTONE,
} from './message-mapping.js';
export {
  type ResolvedRocketMQBrokerOptions,
  ROCKETMQ_BROKER_DEFAULTS,
  type RocketMQBrokerOptions,
  type RocketMQWorkerKeys,
  resolveRocketMQBrokerOptions,
  rocketmqBrokerOptionsFromConfig,
} from './options.js';
export { RocketMQBroker } from './rocketmq-broker.js';
export {
  fromRocketMQTopic,
  isRocketMQSystemTopic,
  ROCKETMQ_GROUP_MAX_LENGTH,
  ROCKETMQ_TOPIC_MAX_LENGTH,
  rocketmqTopicNameProblem,
  toRocketMQGroup,
  toRocketMQTopic,
} from './topic-names.js';
