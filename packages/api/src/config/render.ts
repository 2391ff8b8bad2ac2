import { ConfigSpec, type FieldDef } from './config-spec.js';

const JSON_TYPES: Readonly<Record<FieldDef['type'], string>> = {
  string: 'string',
  class: 'string',
  password: 'string',
  enum: 'string',
  int: 'integer',
  long: 'integer',
  duration: 'integer',
  double: 'number',
  boolean: 'boolean',
  list: 'array',
};

/**
 * Renders a spec as Markdown: one table per group with each key's type, default, valid values,
 * importance and description. Password defaults are shown as `[hidden]`.
 */
export function specToMarkdown<T extends object>(
  spec: ConfigSpec<T>,
  options: { title?: string; intro?: string } = {},
): string {
  const lines: string[] = [];
  if (options.title !== undefined) lines.push(`# ${options.title}`, '');
  if (options.intro !== undefined) lines.push(options.intro, '');
  for (const [group, fields] of groupFields(spec.fields)) {
    if (group !== undefined) lines.push(`## ${group}`, '');
    lines.push('| key | type | default | valid values | importance | description |', '|---|---|---|---|---|---|');
    for (const f of fields) {
      const def = f.hasDefault ? ConfigSpec.defaultText(f) : null;
      const defaultCell = !f.hasDefault ? '*required*' : def === null ? '' : `\`${def === '' ? '""' : def}\``;
      const valid = [f.enumValues?.join(', '), ...f.validators.map((v) => v.describe())].filter(Boolean).join('; ');
      const description = [
        f.doc,
        f.aliases.length > 0 ? `Also accepted as ${f.aliases.map((a) => `\`${a}\``).join(', ')}.` : '',
        f.examples.length > 0 ? `Examples: ${f.examples.map((e) => `\`${e}\``).join(', ')}.` : '',
        f.dependents.length > 0 ? `Affects ${f.dependents.map((d) => `\`${d}\``).join(', ')}.` : '',
        f.deprecated === undefined ? '' : `**Deprecated**: ${f.deprecated}`,
      ]
        .filter((s) => s !== '')
        .join(' ');
      lines.push(
        `| \`${f.name}\` | ${f.type} | ${escapeCell(defaultCell)} | ${escapeCell(valid)} | ${f.importance} | ${escapeCell(description)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * Renders a spec as a JSON Schema (draft 2020-12) object for editors and UIs. Password fields are
 * `writeOnly` and their defaults omitted.
 */
export function specToJsonSchema<T extends object>(
  spec: ConfigSpec<T>,
  options: { title?: string; description?: string } = {},
): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const f of spec.fields) {
    const prop: Record<string, unknown> = { type: JSON_TYPES[f.type], description: f.doc };
    if (f.type === 'list') prop.items = { type: 'string' };
    if (f.enumValues !== undefined) prop.enum = [...f.enumValues];
    if (f.type === 'password') prop.writeOnly = true;
    else if (f.hasDefault && f.defaultValue !== null) prop.default = f.defaultValue;
    if (f.hasDefault && f.defaultValue === null) prop.type = [JSON_TYPES[f.type], 'null'];
    if (f.examples.length > 0) prop.examples = [...f.examples];
    if (f.deprecated !== undefined) prop.deprecated = true;
    for (const v of f.validators) Object.assign(prop, v.jsonSchema?.() ?? {});
    if (f.type === 'list') {
      // Item constraints belong to the items, not to the array.
      const { pattern, minLength, ...rest } = prop as { pattern?: string; minLength?: number };
      Object.keys(prop).forEach((k) => {
        delete prop[k];
      });
      Object.assign(prop, rest);
      if (pattern !== undefined) prop.items = { type: 'string', pattern };
      if (minLength !== undefined) prop.minItems = 1;
    }
    properties[f.name] = prop;
    if (!f.hasDefault) required.push(f.name);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.description === undefined ? {} : { description: options.description }),
    type: 'object',
    properties,
    required,
  };
}

function groupFields(fields: readonly FieldDef[]): Map<string | undefined, FieldDef[]> {
  const groups = new Map<string | undefined, FieldDef[]>();
  for (const f of fields) {
    const list = groups.get(f.group) ?? [];
    list.push(f);
    groups.set(f.group, list);
  }
  for (const list of groups.values()) list.sort((a, b) => (a.orderInGroup ?? 0) - (b.orderInGroup ?? 0));
  return groups;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
