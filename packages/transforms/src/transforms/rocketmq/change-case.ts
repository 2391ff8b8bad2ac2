import { ConfigSpec } from '@tributary/api';
import { ROCKETMQ_TRANSFORMS } from '../util/config.js';
import { defineKeyValueTransformation } from '../util/side.js';
import { CASE_FORMATS, convertCase } from './case-format.js';
import { FieldRenamer } from './field-renamer.js';

/** ChangeCase's config (RocketMQ Connect): `from`, `to`. */
export const CHANGE_CASE_SPEC = ConfigSpec.create()
  .enum('from', CASE_FORMATS, {
    doc: 'The case format of the field names: LOWER_HYPHEN, LOWER_UNDERSCORE, LOWER_CAMEL, UPPER_CAMEL or UPPER_UNDERSCORE.',
    importance: 'high',
    caseInsensitive: true,
  })
  .enum('to', CASE_FORMATS, {
    doc: 'The case format to change the field names to.',
    importance: 'high',
    caseInsensitive: true,
  });

/** `ChangeCase$Key` and `ChangeCase$Value` (RocketMQ Connect): change the case format of field names. */
export const changeCase = defineKeyValueTransformation({
  name: 'ChangeCase',
  classNames: [`${ROCKETMQ_TRANSFORMS}.ChangeCase`],
  summary: 'Change the case format of field names (e.g. UPPER_UNDERSCORE to LOWER_CAMEL)',
  spec: CHANGE_CASE_SPEC,
  create: (config, side) => new FieldRenamer('ChangeCase', side, (name) => convertCase(config.from, config.to, name)),
});
