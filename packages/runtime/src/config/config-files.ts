import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigError } from '@tributary/api';
import { parse as parseYaml } from 'yaml';

/** A flat configuration: dotted keys to string values. */
export type FlatConfig = Record<string, string>;

/**
 * Parses Java `.properties` text: `key=value`, `key: value` or `key value`; `#`/`!` comments; a trailing
 * backslash continues a line; `\t \n \r \f \uXXXX` and escaped separators as in `java.util.Properties`.
 * @throws ConfigError naming the line of a malformed unicode escape.
 */
export function parseProperties(text: string, source = 'properties'): FlatConfig {
  const out: FlatConfig = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const startLine = i + 1;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let keyEnd = 0;
    while (keyEnd < line.length) {
      const ch = line[keyEnd]!;
      if (ch === '\\') {
        keyEnd += 2;
        continue;
      }
      if (ch === '=' || ch === ':' || ch === ' ' || ch === '\t' || ch === '\f') break;
      keyEnd++;
    }
    let valueStart = keyEnd;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart]!)) valueStart++;
    if (valueStart < line.length && (line[valueStart] === '=' || line[valueStart] === ':')) valueStart++;
    while (valueStart < line.length && /[ \t\f]/.test(line[valueStart]!)) valueStart++;
    const key = unescapeProperties(line.slice(0, keyEnd), source, startLine);
    out[key] = unescapeProperties(line.slice(valueStart), source, startLine);
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescapeProperties(text: string, source: string, line: number): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[++i];
    if (next === undefined) break;
    switch (next) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        const hex = text.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConfigError(`${source}, line ${line}: malformed \\uXXXX escape '\\u${hex}'`);
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        out += next;
    }
  }
  return out;
}

/**
 * Flattens a parsed JSON/YAML document into dotted keys with string values: nested objects become
 * `a.b.c`; arrays of scalars become comma-separated lists; null values are dropped.
 * @throws ConfigError naming the key of a value that cannot be a config value (an array of objects).
 */
export function flatten(value: unknown, source: string, prefix = '', out: FlatConfig = {}): FlatConfig {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    if (value.some((v) => typeof v === 'object' && v !== null)) {
      throw new ConfigError(
        `${source}: '${prefix}' holds a list of objects; config values must be scalars or lists of scalars`,
      );
    }
    out[prefix] = value.map(String).join(',');
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flatten(v, source, prefix === '' ? k : `${prefix}.${k}`, out);
    }
    return out;
  }
  if (prefix === '') throw new ConfigError(`${source}: expected an object of config keys, got ${typeof value}`);
  out[prefix] = String(value);
  return out;
}

export type ConfigFormat = 'properties' | 'json' | 'yaml';

/** The format of a config file by extension (`.properties`, `.json`, `.yaml`/`.yml`), else sniffed from the text. */
export function detectFormat(path: string, text: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.properties' || ext === '.conf') return 'properties';
  const first = text.trimStart()[0];
  if (first === '{') return 'json';
  return /^[\w.-]+\s*:\s/m.test(text) && !/^[\w.-]+\s*=/m.test(text) ? 'yaml' : 'properties';
}

/** Parses config text of a format into a document (JSON/YAML keep their structure; properties are flat). */
export function parseConfigText(text: string, format: ConfigFormat, source: string): unknown {
  try {
    if (format === 'json') return JSON.parse(text);
    if (format === 'yaml') return parseYaml(text, { intAsBigInt: false });
    return parseProperties(text, source);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${source}: not valid ${format}: ${(e as Error).message}`, {}, { cause: e });
  }
}

/** Reads a config file (JSON, `.properties` or YAML) into a flat map of dotted keys. */
export async function readFlatConfigFile(path: string): Promise<FlatConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {},
      { cause: e },
    );
  }
  return flatten(parseConfigText(text, detectFormat(path, text), path), path);
}
