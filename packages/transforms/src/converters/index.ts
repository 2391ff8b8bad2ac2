/**
 * Converters and header converters of Kafka Connect, as plugins: JsonConverter (byte-compatible with
 * Kafka's), StringConverter, ByteArrayConverter, the fixed-width number converters, BooleanConverter
 * and SimpleHeaderConverter. Each descriptor accepts Kafka's class name, and RocketMQ Connect's where it
 * has one, as an alias.
 */
import {
  ConfigSpec,
  type ConverterPlugin,
  defineConverter,
  defineHeaderConverter,
  type HeaderConverter,
  type HeaderConverterPlugin,
} from '@tributary/api';
import { JSON_CONVERTER_SPEC, JsonConverter } from './json/json-converter.js';
import {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  STRING_CONVERTER_SPEC,
  StringConverter,
} from './primitive-converters.js';
import { SimpleHeaderConverter } from './simple-header-converter.js';

export { parseValueString as parseString } from '../transforms/util/values-parser.js';
export {
  ENVELOPE_MESSAGE,
  JSON_CONVERTER_SPEC,
  JsonConverter,
  type JsonConverterConfig,
} from './json/json-converter.js';
export {
  BooleanConverter,
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  NumberConverter,
  ShortConverter,
  STRING_CONVERTER_SPEC,
  StringConverter,
} from './primitive-converters.js';
export { SimpleHeaderConverter } from './simple-header-converter.js';
export { convertToString } from './values.js';

const VERSION = '0.1.0';
const NO_CONFIG = ConfigSpec.create();
const KAFKA_STORAGE = 'org.apache.kafka.connect.storage';
const KAFKA_CONVERTERS = 'org.apache.kafka.connect.converters';
const ROCKETMQ_RECORD = 'org.apache.rocketmq.connect.runtime.converter.record';

export const jsonConverterPlugin: ConverterPlugin = defineConverter({
  name: 'JsonConverter',
  aliases: [
    'org.apache.kafka.connect.json.JsonConverter',
    `${ROCKETMQ_RECORD}.json.JsonConverter`,
    `${ROCKETMQ_RECORD}.JsonConverter`,
  ],
  version: VERSION,
  summary: 'JSON with an optional {"schema","payload"} envelope, byte-compatible with Kafka Connect\'s JsonConverter.',
  spec: JSON_CONVERTER_SPEC,
  create: (config, options) => new JsonConverter(config, options),
});

export const stringConverterPlugin: ConverterPlugin = defineConverter({
  name: 'StringConverter',
  aliases: [`${KAFKA_STORAGE}.StringConverter`, `${ROCKETMQ_RECORD}.StringConverter`],
  version: VERSION,
  summary: 'Values as strings in a charset (converter.encoding, default UTF-8); reads give optional strings.',
  spec: STRING_CONVERTER_SPEC,
  create: (config) => new StringConverter(config),
});

export const byteArrayConverterPlugin: ConverterPlugin = defineConverter({
  name: 'ByteArrayConverter',
  aliases: [`${KAFKA_CONVERTERS}.ByteArrayConverter`, `${ROCKETMQ_RECORD}.ByteArrayConverter`],
  version: VERSION,
  summary: 'Passes bytes through unchanged; the schema, when given, must be bytes.',
  spec: NO_CONFIG,
  create: () => new ByteArrayConverter(),
});

function numberPlugin(
  name: string,
  summary: string,
  make: () => ConverterPluginConverter,
  rocketmq: boolean,
): ConverterPlugin {
  return defineConverter({
    name,
    aliases: [`${KAFKA_CONVERTERS}.${name}`, ...(rocketmq ? [`${ROCKETMQ_RECORD}.${name}`] : [])],
    version: VERSION,
    summary,
    spec: NO_CONFIG,
    create: make,
  });
}
type ConverterPluginConverter = ReturnType<ConverterPlugin['create']>;

export const shortConverterPlugin = numberPlugin(
  'ShortConverter',
  'int16 values as 2 big-endian bytes.',
  () => new ShortConverter(),
  true,
);
export const integerConverterPlugin = numberPlugin(
  'IntegerConverter',
  'int32 values as 4 big-endian bytes.',
  () => new IntegerConverter(),
  true,
);
export const longConverterPlugin = numberPlugin(
  'LongConverter',
  'int64 values as 8 big-endian bytes.',
  () => new LongConverter(),
  true,
);
export const floatConverterPlugin = numberPlugin(
  'FloatConverter',
  'float32 values as 4 big-endian IEEE 754 bytes.',
  () => new FloatConverter(),
  true,
);
export const doubleConverterPlugin = numberPlugin(
  'DoubleConverter',
  'float64 values as 8 big-endian IEEE 754 bytes.',
  () => new DoubleConverter(),
  true,
);
export const booleanConverterPlugin = numberPlugin(
  'BooleanConverter',
  'Booleans as one byte, 1 or 0.',
  () => new BooleanConverter(),
  false,
);

export const simpleHeaderConverterPlugin: HeaderConverterPlugin = defineHeaderConverter({
  name: 'SimpleHeaderConverter',
  aliases: [`${KAFKA_STORAGE}.SimpleHeaderConverter`],
  version: VERSION,
  summary: "Header values as text, read back with the type inferred (Kafka Connect's default header converter).",
  spec: NO_CONFIG,
  create: () => new SimpleHeaderConverter(),
});

/**
 * Header-converter twins of the converters: Kafka's StringConverter, JsonConverter, ByteArrayConverter,
 * BooleanConverter and number converters are header converters too. A registry maps each name to one
 * plugin, so these have their own names (`StringHeaderConverter`, ...); {@link headerConverterFor}
 * resolves a Kafka class name given as `header.converter` to them.
 */
function headerTwin<T extends object>(
  converterName: string,
  spec: ConfigSpec<T>,
  make: (config: Readonly<T>) => HeaderConverter,
): HeaderConverterPlugin {
  return defineHeaderConverter({
    name: converterName.replace(/Converter$/, 'HeaderConverter'),
    version: VERSION,
    summary: `Header values converted as ${converterName} converts record values.`,
    spec,
    create: make,
  });
}

export const jsonHeaderConverterPlugin = headerTwin('JsonConverter', JSON_CONVERTER_SPEC, (c) => new JsonConverter(c));
export const stringHeaderConverterPlugin = headerTwin(
  'StringConverter',
  STRING_CONVERTER_SPEC,
  (c) => new StringConverter(c),
);
export const byteArrayHeaderConverterPlugin = headerTwin(
  'ByteArrayConverter',
  NO_CONFIG,
  () => new ByteArrayConverter(),
);
export const shortHeaderConverterPlugin = headerTwin('ShortConverter', NO_CONFIG, () => new ShortConverter());
export const integerHeaderConverterPlugin = headerTwin('IntegerConverter', NO_CONFIG, () => new IntegerConverter());
export const longHeaderConverterPlugin = headerTwin('LongConverter', NO_CONFIG, () => new LongConverter());
export const floatHeaderConverterPlugin = headerTwin('FloatConverter', NO_CONFIG, () => new FloatConverter());
export const doubleHeaderConverterPlugin = headerTwin('DoubleConverter', NO_CONFIG, () => new DoubleConverter());
export const booleanHeaderConverterPlugin = headerTwin('BooleanConverter', NO_CONFIG, () => new BooleanConverter());

const CONVERTERS: readonly ConverterPlugin[] = [
  jsonConverterPlugin,
  stringConverterPlugin,
  byteArrayConverterPlugin,
  shortConverterPlugin,
  integerConverterPlugin,
  longConverterPlugin,
  floatConverterPlugin,
  doubleConverterPlugin,
  booleanConverterPlugin,
];

const HEADER_CONVERTERS: readonly HeaderConverterPlugin[] = [
  simpleHeaderConverterPlugin,
  jsonHeaderConverterPlugin,
  stringHeaderConverterPlugin,
  byteArrayHeaderConverterPlugin,
  shortHeaderConverterPlugin,
  integerHeaderConverterPlugin,
  longHeaderConverterPlugin,
  floatHeaderConverterPlugin,
  doubleHeaderConverterPlugin,
  booleanHeaderConverterPlugin,
];

/** Every converter and header converter plugin of this package. */
export const converterPlugins: readonly (ConverterPlugin | HeaderConverterPlugin)[] = [
  ...CONVERTERS,
  ...HEADER_CONVERTERS,
];

const HEADER_TWIN_BY_NAME: ReadonlyMap<string, HeaderConverterPlugin> = new Map([
  ...HEADER_CONVERTERS.flatMap((h) => [h.name, ...h.aliases].map((n) => [n, h] as const)),
  ...CONVERTERS.flatMap((c) => {
    const twin = HEADER_CONVERTERS.find((h) => h.name === c.name.replace(/Converter$/, 'HeaderConverter'));
    return twin === undefined ? [] : [c.name, ...c.aliases].map((n) => [n, twin] as const);
  }),
]);

/**
 * The header converter plugin for a `header.converter` value: a header converter's name or alias, or the
 * name or alias of a converter that Kafka also uses as a header converter
 * (`org.apache.kafka.connect.storage.StringConverter` → StringHeaderConverter). Undefined when unknown.
 */
export function headerConverterFor(name: string): HeaderConverterPlugin | undefined {
  return HEADER_TWIN_BY_NAME.get(name.trim());
}
