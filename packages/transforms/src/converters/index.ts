export { JSON_CONVERTER_SPEC, JsonConverter } from './json/json-converter.js';
