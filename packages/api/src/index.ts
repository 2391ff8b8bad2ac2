/**
 * @tributary/api — the SDK a connector author imports. No runtime dependencies.
 *
 * - Data: {@link Schema}, {@link SchemaBuilder}, {@link Struct}, {@link Decimal}, logical types.
 * - Records: {@link SourceRecord}, {@link SinkRecord}, {@link Headers}.
 * - Contracts: {@link SourceConnector}, {@link SinkConnector}, {@link SourceTask}, {@link SinkTask},
 *   {@link Converter}, {@link HeaderConverter}, {@link Transformation}, {@link Predicate}.
 * - Config: {@link ConfigSpec}, validators, {@link Password}, docs/JSON Schema rendering.
 * - Errors: {@link ConnectError} and its typed subclasses with stable codes.
 * - Plugins: descriptors (`defineSourceConnector`, `defineTransformation`, ...) and {@link PluginRegistry}.
 */
export * from './config/config-spec.js';
export * from './config/password.js';
export * from './config/render.js';
export * from './config/validators.js';
export * from './connector/connector.js';
export * from './connector/logger.js';
export * from './connector/metrics.js';
export * from './connector/sink-task.js';
export * from './connector/source-task.js';
export * from './data/decimal.js';
export * from './data/logical.js';
export * from './data/logical-values.js';
export * from './data/schema.js';
export * from './data/schema-builder.js';
export * from './data/struct.js';
export * from './data/validate.js';
export * from './errors.js';
export * from './plugins/converter.js';
export * from './plugins/descriptor.js';
export * from './plugins/transformation.js';
export * from './records/headers.js';
export * from './records/record.js';
