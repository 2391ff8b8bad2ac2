import { readFileSync } from 'node:fs';
import { ConfigError } from '@tributary/api';
import { detectFormat, flatten, parseConfigText } from './config-files.js';

/** `${provider:path:key}` or `${provider:key}` (Kafka's KIP-297 syntax). */
const PLACEHOLDER = /\$\{([a-zA-Z][\w-]*):([^}]*)\}/g;

/**
 * Resolves config provider placeholders at connector/task start, so stored configs keep the reference and
 * never the secret:
 * - `${env:NAME}` — an environment variable;
 * - `${file:PATH:KEY}` — key KEY of a `.properties`, JSON or YAML file at PATH (`${file:PATH}` = the whole file).
 * @throws ConfigError naming the config key and the missing variable, file or key.
 */
export function resolveConfig(
  config: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  const errors: Record<string, string[]> = {};
  const files = new Map<string, Record<string, string> | Error>();
  for (const [key, value] of Object.entries(config)) {
    if (!value.includes('${')) {
      out[key] = value;
      continue;
    }
    out[key] = value.replace(PLACEHOLDER, (whole, provider: string, rest: string) => {
      try {
        return resolveOne(provider, rest, env, files);
      } catch (e) {
        errors[key] = [...(errors[key] ?? []), (e as Error).message];
        return whole;
      }
    });
  }
  if (Object.keys(errors).length > 0) throw ConfigError.fromFieldErrors(errors, 'Config provider resolution');
  return out;
}

function resolveOne(
  provider: string,
  rest: string,
  env: Readonly<Record<string, string | undefined>>,
  files: Map<string, Record<string, string> | Error>,
): string {
  if (provider === 'env') {
    const v = env[rest];
    if (v === undefined) throw new Error(`environment variable '${rest}' is not set`);
    return v;
  }
  if (provider === 'file') {
    // The path may contain ':' (Windows drives do not matter here, but URLs might): the key is after the last one.
    const split = rest.lastIndexOf(':');
    const path = split < 0 ? rest : rest.slice(0, split);
    const key = split < 0 ? null : rest.slice(split + 1);
    let content = files.get(path);
    if (content === undefined) {
      try {
        const text = readFileSync(path, 'utf8');
        content = key === null ? { '': text } : flatten(parseConfigText(text, detectFormat(path, text), path), path);
      } catch (e) {
        content = new Error(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      files.set(path, content);
    }
    if (content instanceof Error) throw content;
    if (key === null) return (content[''] ?? '').trimEnd();
    const v = content[key];
    if (v === undefined) throw new Error(`key '${key}' not found in '${path}'`);
    return v;
  }
  throw new Error(`unknown config provider '${provider}' (known: env, file)`);
}

/**
 * Kafka's reverse transform: in configs a connector generated from resolved values (task configs), puts
 * back the placeholders for values that came from a placeholder, so stored task configs hold no secret.
 */
export function unresolve(
  generated: Readonly<Record<string, string>>,
  raw: Readonly<Record<string, string>>,
  resolved: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...generated };
  for (const [key, rawValue] of Object.entries(raw)) {
    if (!rawValue.includes('${')) continue;
    if (out[key] !== undefined && out[key] === resolved[key]) out[key] = rawValue;
  }
  return out;
}

/** True when a config value holds a provider placeholder. */
export function hasPlaceholder(value: string): boolean {
  return /\$\{[a-zA-Z][\w-]*:[^}]*\}/.test(value);
}
