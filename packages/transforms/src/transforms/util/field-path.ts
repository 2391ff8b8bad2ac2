import type { Field, Schema, Struct } from '@tributary/api';
import { getEntry } from './maps.js';
import { fieldValue, requireMap, requireStruct, type SchemalessMap } from './requirements.js';

/** Kafka's `field.syntax.version` (KIP-821): V1 = top-level names only, V2 = dotted paths with backtick quoting. */
export type FieldSyntaxVersion = 'V1' | 'V2';
/** Values of `field.syntax.version`. */
export const FIELD_SYNTAX_VERSIONS = ['V1', 'V2'] as const;
/** Kafka's key choosing the field path syntax (KIP-821). */
export const FIELD_SYNTAX_VERSION = 'field.syntax.version';
export const FIELD_SYNTAX_VERSION_DOC =
  'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to ' +
  'access the elements at the root level of the struct or map. If set to `V2`, the syntax will support ' +
  'accessing nested elements. To access nested elements, dotted notation is used. If dots are already ' +
  'included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to ' +
  'access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used ' +
  'to access its elements: "`foo.bar`.baz".';

/**
 * A path to one field in a Struct or schemaless map, as Kafka's `SingleFieldPath`.
 * V2 splits on dots; a step wrapped in backticks may contain dots (a backtick followed by a dot inside it is
 * escaped with a backslash).
 */
export class SingleFieldPath {
  readonly steps: readonly string[];

  /** @throws Error for an incomplete backtick pair (V2). */
  constructor(path: string, version: FieldSyntaxVersion) {
    this.steps = Object.freeze(version === 'V1' ? [path] : parseV2(path));
  }

  /** The field at this path in a struct schema, or undefined when a step does not exist. */
  fieldFrom(schema: Schema): Field | undefined {
    let current: Schema = schema;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      const f = current.type === 'struct' ? current.field(this.steps[i]!) : undefined;
      if (f === undefined) return undefined;
      current = f.schema;
    }
    return current.type === 'struct' ? current.field(this.steps[last]!) : undefined;
  }

  /**
   * The value at this path in a struct, or null when a step is missing or a parent is null.
   * @throws DataError when a parent is not a struct.
   */
  valueFromStruct(struct: Struct, replaceNullWithDefault: boolean): unknown {
    let current = struct;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      const f = current.schema.field(this.steps[i]!);
      if (f === undefined) return null;
      const sub = fieldValue(current, f, true);
      if (sub === null) return null;
      current = requireStruct(sub, 'nested field access', `field '${this.steps.slice(0, i + 1).join('.')}'`);
    }
    const f = current.schema.field(this.steps[last]!);
    return f === undefined ? null : fieldValue(current, f, replaceNullWithDefault);
  }

  /**
   * The value at this path in a schemaless map, or null when missing.
   * @throws DataError when a parent is not a map.
   */
  valueFromMap(map: SchemalessMap): unknown {
    let current = map;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      const sub = getEntry(current, this.steps[i]!);
      if (sub === null || sub === undefined) return null;
      current = requireMap(sub, 'nested field access', `field '${this.steps.slice(0, i + 1).join('.')}'`);
    }
    return getEntry(current, this.steps[last]!) ?? null;
  }

  toString(): string {
    return this.steps.join('.');
  }
}

function parseV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length) {
    if (path[idx] !== '`') {
      const dot = path.indexOf('.', idx);
      if (dot < 0) {
        steps.push(path.slice(idx));
        idx = path.length;
      } else {
        steps.push(path.slice(idx, dot));
        idx = dot + 1;
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf('`', idx);
      if (idx < 0) throw incomplete(path, backtickAt);
      const escaped = path[idx - 1] === '\\';
      if (idx >= path.length - 1) {
        if (escaped) throw incomplete(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== '.') {
        idx++;
        continue;
      }
      if (escaped) {
        field += `${path.slice(start, idx - 1)}\``;
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path.endsWith('.')) steps.push('');
  return steps;
}

function incomplete(path: string, at: number): Error {
  return new Error(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  );
}
