import { readFile } from 'node:fs/promises';
import { ConfigError } from '@tributary/api';
import { Command, Option } from 'commander';
import { detectFormat, flatten, parseConfigText } from '../../config/config-files.js';
import { parseKeyValue } from '../options.js';
import { CliError, DEFAULT_URL, RestClient } from './http.js';

/** Options every client command takes. */
export interface ClientOptions {
  readonly url: string;
  readonly token?: string;
  readonly json?: boolean;
}

/**
 * A client command: `--url` (env TRIBUTARY_URL), `--token` (env TRIBUTARY_TOKEN) and `--json`; usage errors
 * are thrown (not `process.exit`) so `main` exits with code 2.
 */
export function clientCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .showHelpAfterError()
    .addOption(new Option('--url <url>', 'worker REST URL').env('TRIBUTARY_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', "bearer token (the worker's rest.auth.token)").env('TRIBUTARY_TOKEN'))
    .option('--json', 'print the raw JSON answer (for scripts)');
}

/** A group of subcommands (`connectors`, `plugins`, `offsets`). */
export function groupCommand(name: string, description: string): Command {
  return new Command(name).description(description).exitOverride().showHelpAfterError();
}

export function clientOf(opts: ClientOptions): RestClient {
  return new RestClient(opts.url, opts.token);
}

/** Options of commands that take a connector config. */
export interface ConfigInputOptions {
  readonly config: Record<string, string>;
}

/** Adds `-c, --config key=value` (repeatable). */
export function withConfigPairs(command: Command): Command {
  return command.option(
    '-c, --config <key=value>',
    'a config key (repeatable); applied over the file',
    parseKeyValue,
    {},
  );
}

/** A connector config read from a file and/or `-c` pairs. */
export interface ConfigInput {
  /** The connector name found in the input (REST body `name` or the `name` key). */
  readonly name: string | undefined;
  readonly config: Record<string, string>;
  /** `initial_state` of a REST body file. */
  readonly initialState: string | undefined;
}

/**
 * Reads a connector config given as a file — a REST body `{"name", "config", "initial_state"}`, a flat
 * JSON/YAML map or `.properties`, as `tributary standalone` reads them — and/or `key=value` pairs.
 * @throws CliError (exit 2) when the file cannot be read or parsed, or nothing was given.
 */
export async function readConfigInput(
  file: string | undefined,
  pairs: Readonly<Record<string, string>>,
): Promise<ConfigInput> {
  let name: string | undefined;
  let initialState: string | undefined;
  let config: Record<string, string> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
    try {
      const doc = parseConfigText(text, detectFormat(file, text), file);
      const body = doc as { name?: unknown; config?: unknown; initial_state?: unknown };
      if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && typeof body.config === 'object') {
        config = flatten(body.config, file);
        if (typeof body.name === 'string') name = body.name;
        if (typeof body.initial_state === 'string') initialState = body.initial_state;
      } else {
        config = flatten(doc, file);
      }
    } catch (e) {
      if (e instanceof ConfigError) throw new CliError(e.message, 2);
      throw e;
    }
  } else if (Object.keys(pairs).length === 0) {
    throw new CliError('give a config file or -c key=value pairs', 2);
  }
  config = { ...config, ...pairs };
  name ??= config.name;
  return { name: name?.trim(), config, initialState };
}
