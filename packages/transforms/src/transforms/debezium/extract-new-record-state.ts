import {
  ConfigSpec,
  type ConnectRecord,
  DataError,
  defineTransformation,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  type TransformationPlugin,
} from '@tributary/api';
import { TRANSFORMS_VERSION } from '../util/config.js';
import { isSchemalessMap } from '../util/requirements.js';
import { SchemaCache } from '../util/schema-util.js';

/**
 * Debezium's `ExtractNewRecordState`: turns a change event `{before, after, source, op, ts_ms}` into the
 * row it describes, so sinks that expect plain rows (JDBC, Elasticsearch, files) can consume CDC topics.
 *
 * - create, read (snapshot) and update events become their `after` row;
 * - delete events are dropped (`delete.handling.mode=drop`, default), become a tombstone (`none`), or
 *   become the `before` row with `__deleted: "true"` (`rewrite`; other rows then get `"false"`);
 * - tombstones are dropped unless `drop.tombstones=false`;
 * - `add.fields` copies envelope or `source` fields into the row as `__<name>` (dots → `_`);
 * - values that are not change events (schema changes, heartbeats) pass unchanged.
 */
export const EXTRACT_NEW_RECORD_STATE_SPEC = ConfigSpec.create()
  .boolean('drop.tombstones', {
    doc: 'Drop the tombstones that follow deletes (true), or pass them on (false).',
    default: true,
    importance: 'medium',
  })
  .enum('delete.handling.mode', ['drop', 'none', 'rewrite'], {
    doc: "Delete events: 'drop' them, turn them into a tombstone ('none'), or 'rewrite' them as the deleted row with __deleted=true.",
    default: 'drop',
    importance: 'medium',
  })
  .list('add.fields', {
    doc: 'Envelope fields (op, ts_ms) or source fields (db, table, file, pos, ts_ms as source.ts_ms, ...) to add to the row, as __<name>.',
    default: [],
    importance: 'low',
    examples: ['op,table', 'op,source.ts_ms'],
  })
  .string('add.fields.prefix', {
    doc: 'Prefix of the added field names.',
    default: '__',
    importance: 'low',
  });

type Config = ReturnType<typeof EXTRACT_NEW_RECORD_STATE_SPEC.parse>;

const DELETED = 'deleted';

interface AddedField {
  /** Output field name (prefixed). */
  readonly name: string;
  /** Where to read it: top-level envelope field, or a field of `source`. */
  readonly from: 'envelope' | 'source';
  readonly field: string;
}

interface Plan {
  readonly schema: Schema;
  readonly added: readonly (AddedField & { readonly envelopeIndex: number; readonly sourceIndex: number })[];
}

class ExtractNewRecordState implements Transformation {
  readonly #c: Config;
  readonly #added: readonly AddedField[];
  readonly #plans = new SchemaCache<Plan>();
  readonly #rewrite: boolean;

  constructor(config: Config) {
    this.#c = config;
    this.#rewrite = config['delete.handling.mode'] === 'rewrite';
    this.#added = config['add.fields'].map((spec) => {
      const qualified = spec.startsWith('source.');
      const field = qualified ? spec.slice('source.'.length) : spec;
      return {
        name: `${config['add.fields.prefix']}${spec.replaceAll('.', '_')}`,
        from: qualified ? 'source' : 'envelope',
        field,
      };
    });
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = record.value;
    if (value === null || value === undefined) return this.#c['drop.tombstones'] ? null : record;
    if (value instanceof Struct) return this.#applyStruct(record, value);
    if (isSchemalessMap(value)) return this.#applyMap(record, value);
    return record;
  }

  #applyStruct<R extends ConnectRecord>(record: R, envelope: Struct): R | null {
    const s = envelope.schema;
    const opField = s.field('op');
    const afterField = s.field('after');
    const beforeField = s.field('before');
    if (opField === undefined || afterField === undefined || beforeField === undefined) return record;
    const op = envelope.get(opField);
    const deleted = op === 'd';
    if (deleted && this.#c['delete.handling.mode'] === 'drop') return null;
    if (deleted && this.#c['delete.handling.mode'] === 'none') return { ...record, value: null, valueSchema: null };
    const row = envelope.get(deleted ? beforeField : afterField);
    if (!(row instanceof Struct)) {
      throw new DataError(`change event with op '${String(op)}' has no ${deleted ? 'before' : 'after'} row`, {
        path: deleted ? 'before' : 'after',
      });
    }
    const plan = this.#plans.getOrCompute(s, () => this.#plan(s, afterField.schema));
    if (plan.added.length === 0 && !this.#rewrite && row.schema === plan.schema)
      return { ...record, valueSchema: plan.schema, value: row };
    const values = [...row.values()];
    const source = plan.added.some((a) => a.from === 'source') ? envelope.get('source') : null;
    for (const a of plan.added) {
      if (a.from === 'envelope' && a.envelopeIndex >= 0) values.push(envelope.values()[a.envelopeIndex] ?? null);
      else if (a.from === 'source' && source instanceof Struct && a.sourceIndex >= 0)
        values.push(source.values()[a.sourceIndex] ?? null);
      else values.push(null);
    }
    if (this.#rewrite) values.push(deleted ? 'true' : 'false');
    return { ...record, valueSchema: plan.schema, value: Struct.trusted(plan.schema, values) };
  }

  #plan(envelope: Schema, afterSchema: Schema): Plan {
    const row = afterSchema;
    if (row.type !== 'struct')
      throw new DataError(`the 'after' field of a change event must be a struct, not ${row.type}`, { path: 'after' });
    const sourceSchema = envelope.field('source')?.schema;
    const added = this.#added.map((a) => ({
      ...a,
      envelopeIndex: a.from === 'envelope' ? (envelope.field(a.field)?.index ?? -1) : -1,
      sourceIndex:
        a.from === 'source' || envelope.field(a.field) === undefined ? (sourceSchema?.field(a.field)?.index ?? -1) : -1,
    }));
    // An unqualified name that is not an envelope field is looked up in `source`, as Debezium does.
    const resolved = added.map((a) =>
      a.from === 'envelope' && a.envelopeIndex < 0 && a.sourceIndex >= 0 ? { ...a, from: 'source' as const } : a,
    );
    if (resolved.length === 0 && !this.#rewrite) return { schema: row, added: [] };
    const b = SchemaBuilder.struct();
    if (row.name !== undefined) b.name(row.name);
    if (row.optional) b.optional();
    for (const f of row.fields) b.field(f.name, f.schema);
    for (const a of resolved) {
      const fieldSchema =
        a.from === 'envelope' ? envelope.fields[a.envelopeIndex]?.schema : sourceSchema?.fields[a.sourceIndex]?.schema;
      b.field(
        a.name,
        fieldSchema === undefined ? SchemaBuilder.string().optional().build() : optionalCopy(fieldSchema),
      );
    }
    if (this.#rewrite) b.field(`${this.#c['add.fields.prefix']}${DELETED}`, SchemaBuilder.string().optional().build());
    return { schema: b.build(), added: resolved };
  }

  #applyMap<R extends ConnectRecord>(record: R, envelope: Record<string, unknown>): R | null {
    if (!('op' in envelope) || !('after' in envelope) || !('before' in envelope)) return record;
    const deleted = envelope.op === 'd';
    if (deleted && this.#c['delete.handling.mode'] === 'drop') return null;
    if (deleted && this.#c['delete.handling.mode'] === 'none') return { ...record, value: null, valueSchema: null };
    const row = envelope[deleted ? 'before' : 'after'];
    if (!isSchemalessMap(row)) {
      throw new DataError(`change event with op '${String(envelope.op)}' has no ${deleted ? 'before' : 'after'} row`, {
        path: deleted ? 'before' : 'after',
      });
    }
    if (this.#added.length === 0 && !this.#rewrite) return { ...record, value: row };
    const out: Record<string, unknown> = Object.assign({}, row);
    const source = isSchemalessMap(envelope.source) ? envelope.source : {};
    for (const a of this.#added) {
      const fromEnvelope = a.from === 'envelope' && Object.hasOwn(envelope, a.field);
      out[a.name] = (fromEnvelope ? envelope[a.field] : source[a.field]) ?? null;
    }
    if (this.#rewrite) out[`${this.#c['add.fields.prefix']}${DELETED}`] = deleted ? 'true' : 'false';
    return { ...record, value: out };
  }
}

function optionalCopy(schema: Schema): Schema {
  return schema.optional ? schema : SchemaBuilder.from(schema).optional().build();
}

/** `ExtractNewRecordState` (alias `io.debezium.transforms.ExtractNewRecordState`). */
export const extractNewRecordState: TransformationPlugin = defineTransformation({
  name: 'ExtractNewRecordState',
  aliases: [
    'io.debezium.transforms.ExtractNewRecordState',
    'UnwrapFromEnvelope',
    'io.debezium.transforms.UnwrapFromEnvelope',
  ],
  version: TRANSFORMS_VERSION,
  summary:
    "Debezium's ExtractNewRecordState: a change event becomes the row it describes (after, or before for rewritten deletes).",
  spec: EXTRACT_NEW_RECORD_STATE_SPEC,
  create: (config) => new ExtractNewRecordState(config),
});
