export { Admin, type CreateTopicOptions, type QueueOffsets } from './admin.js';
export { type ClientOptions, RocketMQClient } from './client.js';
export {
  Connection,
  type ConnectionOptions,
  type ResponseParts,
  type ServerRequestHandler,
  splitAddress,
} from './connection.js';
export { ConnectionPool } from './connection-pool.js';
export {
  BrokerError,
  ClientClosedError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  isRetriableResponseCode,
  NoRouteError,
  ProtocolError,
  RequestTimeoutError,
  ROCKETMQ_ERROR_CODES,
  RocketMQError,
  type RocketMQErrorCode,
  type RocketMQErrorOptions,
  TopicNotFoundError,
} from './errors.js';
export { parseLenientJson, quoteBareNumericKeys } from './lenient-json.js';
export { Membership, type MembershipChange, type MembershipOptions } from './membership.js';
export {
  decodeBatch,
  decodeStoredMessages,
  type EncodableMessage,
  encodeBatch,
  encodeStoredMessage,
  MAGIC_V1,
  MAGIC_V2,
  type StoredMessage,
  type StoredMessageInput,
} from './message-codec.js';
export { javaStringHash, MessageIdGenerator, parseMessageId } from './message-id.js';
export {
  buildTopicRoute,
  NameServerClient,
  type NameServerOptions,
  parseClusterInfo,
  parseNameServerAddresses,
  parseTopicRouteData,
  type TopicRoute,
} from './name-server.js';
export { type BatchMessage, Producer, type ProducerOptions } from './producer.js';
export { decodeProperties, encodeProperties } from './properties-codec.js';
export {
  AUTO_CREATE_TOPIC_KEY,
  CLIENT_VERSION,
  MessageConst,
  MessageSysFlag,
  Perm,
  PullSysFlag,
  RequestCode,
  ResponseCode,
} from './protocol.js';
export {
  PullConsumer,
  type PullConsumerOptions,
  type PullOptions,
  type PullResult,
  type SeekTarget,
} from './pull-consumer.js';
export {
  decodeBinaryHeader,
  decodeCommand,
  encodeBinaryHeader,
  encodeCommand,
  type RemotingCommand,
  SerializeType,
} from './remoting-codec.js';
export type {
  BrokerData,
  ClusterInfo,
  MessageQueue,
  OutgoingMessage,
  PullStatus,
  QueueData,
  QueueSelector,
  SendResult,
  TopicRouteData,
} from './types.js';
