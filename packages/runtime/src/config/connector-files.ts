import { readFile } from 'node:fs/promises';
import { ConfigError, type ConnectorConfig } from '@tributary/api';
import { detectFormat, flatten, parseConfigText } from './config-files.js';

/**
 * Reads a connector config file given on the command line. Accepted shapes:
 * - a Kafka Connect REST body: `{"name": "...", "config": {...}}` (JSON or YAML);
 * - a flat map with a `name` key (JSON or YAML; nested keys are joined with dots);
 * - a `.properties` file with a `name` key.
 * @throws ConfigError naming the file and what is wrong.
 */
export async function readConnectorConfigFile(path: string): Promise<{ name: string; config: ConnectorConfig }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read connector config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const doc = parseConfigText(text, detectFormat(path, text), path);
  let flat: Record<string, string>;
  let name: string | undefined;
  if (
    typeof doc === 'object' &&
    doc !== null &&
    !Array.isArray(doc) &&
    typeof (doc as { config?: unknown }).config === 'object'
  ) {
    const body = doc as { name?: unknown; config: unknown };
    flat = flatten(body.config, path);
    name = typeof body.name === 'string' ? body.name : flat.name;
  } else {
    flat = flatten(doc, path);
    name = flat.name;
  }
  if (name === undefined || name.trim() === '') {
    throw new ConfigError(`connector config ${path} has no 'name'`, {
      name: ['Missing required configuration "name"'],
    });
  }
  return { name: name.trim(), config: { ...flat, name: name.trim() } };
}
