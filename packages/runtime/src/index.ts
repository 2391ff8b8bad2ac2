/**
 * @tributary/runtime — the worker: herders, task runners, brokers (embedded, RocketMQ), stores, REST API,
 * metrics and the CLI.
 */
export * from './broker/broker.js';
export * from './broker/embedded/index.js';
export * from './broker/rocketmq/index.js';
export * from './cluster/allocation.js';
export * from './cluster/cluster-state.js';
export * from './cluster/log-stores.js';
export * from './cluster/replicated-log.js';
export * from './config/config-files.js';
export * from './config/config-providers.js';
export * from './config/connector-config.js';
export * from './config/connector-files.js';
export * from './config/worker-config.js';
export * from './distributed.js';
export * from './herder/distributed-herder.js';
export * from './herder/entities.js';
export * from './herder/herder.js';
export * from './herder/standalone-herder.js';
export * from './logging/loggers.js';
export * from './metrics/task-metrics.js';
export * from './metrics/worker-metrics.js';
export * from './plugins/registry.js';
export * from './rest/errors.js';
export * from './rest/server.js';
export * from './standalone.js';
export * from './storage/data-dir-lock.js';
export * from './storage/file-stores.js';
export * from './storage/stores.js';
export * from './worker/worker.js';
export * from './worker-lifecycle.js';
