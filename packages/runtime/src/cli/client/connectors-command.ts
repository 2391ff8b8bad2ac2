import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import type { ConnectorInfo, ConnectorStateInfo } from '../../herder/entities.js';
import {
  type ClientOptions,
  type ConfigInputOptions,
  clientCommand,
  clientOf,
  groupCommand,
  readConfigInput,
  withConfigPairs,
} from './common.js';
import { CliError, connectorPath } from './http.js';
import { firstLine, printJson, println, renderTable } from './output.js';

type Expanded = Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }>;

/** `tributary connectors ...`: manage connectors on a running worker through its REST API. */
export function connectorsCommand(): Command {
  const group = groupCommand('connectors', 'Manage the connectors of a running worker (through its REST API)');

  group.addCommand(
    clientCommand('list', 'List connectors with their type, state and tasks').action(async (opts: ClientOptions) => {
      const { body } = await clientOf(opts).request<Expanded>('GET', '/connectors?expand=status&expand=info');
      if (opts.json) return printJson(body);
      const rows = Object.entries(body).map(([name, e]) => {
        const tasks = e.status?.tasks ?? [];
        const running = tasks.filter((t) => t.state === 'RUNNING').length;
        return [
          name,
          e.status?.type ?? e.info?.type ?? '',
          e.status?.connector.state ?? '',
          `${running}/${tasks.length}`,
          e.info?.config['connector.class'] ?? '',
        ];
      });
      if (rows.length === 0) return println('No connectors.');
      println(renderTable(['NAME', 'TYPE', 'STATE', 'TASKS', 'CLASS'], rows));
    }),
  );

  group.addCommand(
    clientCommand('get', 'Show a connector: type, tasks and config (secrets masked)')
      .argument('<name>', 'connector name')
      .action(async (name: string, opts: ClientOptions) => {
        const { body } = await clientOf(opts).request<ConnectorInfo>('GET', connectorPath(name));
        if (opts.json) return printJson(body);
        println(`Connector ${body.name} (${body.type}), ${body.tasks.length} task(s)`, '');
        println(
          renderTable(
            ['KEY', 'VALUE'],
            Object.entries(body.config).sort(([a], [b]) => a.localeCompare(b)),
            200,
          ),
        );
      }),
  );

  group.addCommand(
    withConfigPairs(
      clientCommand('create', 'Create a connector from a config file and/or -c key=value pairs')
        .argument('[file]', 'config file: REST body {"name","config"}, flat JSON/YAML map or .properties')
        .option('-n, --name <name>', 'connector name (else the name in the file or -c name=...)')
        .option('--initial-state <state>', 'RUNNING (default), PAUSED or STOPPED'),
    ).action(
      async (
        file: string | undefined,
        opts: ClientOptions & ConfigInputOptions & { name?: string; initialState?: string },
      ) => {
        const input = await readConfigInput(file, opts.config);
        const name = opts.name ?? input.name;
        if (name === undefined || name === '')
          throw new CliError('the connector needs a name: --name, -c name=... or name in the file', 2);
        const initialState = opts.initialState ?? input.initialState;
        const { body } = await clientOf(opts).request<ConnectorInfo>('POST', '/connectors', {
          name,
          config: { ...input.config, name },
          ...(initialState === undefined ? {} : { initial_state: initialState }),
        });
        if (opts.json) return printJson(body);
        println(`Created connector ${body.name} (${body.type}).`);
      },
    ),
  );

  group.addCommand(
    withConfigPairs(
      clientCommand('update', "Replace a connector's config (creates it if missing), or merge keys with --patch")
        .argument('<name>', 'connector name')
        .argument('[file]', 'config file: REST body {"name","config"}, flat JSON/YAML map or .properties')
        .option('--patch', 'merge the given keys into the current config instead of replacing it')
        .option(
          '--unset <key>',
          'remove a key (with --patch; repeatable)',
          (v: string, prev: string[]) => [...prev, v],
          [],
        ),
    ).action(
      async (
        name: string,
        file: string | undefined,
        opts: ClientOptions & ConfigInputOptions & { patch?: boolean; unset: string[] },
      ) => {
        const client = clientOf(opts);
        if (opts.patch) {
          const input =
            file === undefined && Object.keys(opts.config).length === 0
              ? { config: {} }
              : await readConfigInput(file, opts.config);
          const patch: Record<string, string | null> = { ...input.config };
          for (const key of opts.unset) patch[key] = null;
          if (Object.keys(patch).length === 0)
            throw new CliError('--patch needs keys: a file, -c key=value or --unset key', 2);
          const { body } = await client.request<ConnectorInfo>('PATCH', connectorPath(name, '/config'), patch);
          if (opts.json) return printJson(body);
          return println(`Updated connector ${body.name}.`);
        }
        if (opts.unset.length > 0) throw new CliError('--unset needs --patch', 2);
        const input = await readConfigInput(file, opts.config);
        if (input.name !== undefined && input.name !== name) {
          throw new CliError(`the config names connector '${input.name}', not '${name}'`, 2);
        }
        const { status, body } = await client.request<ConnectorInfo>('PUT', connectorPath(name, '/config'), {
          ...input.config,
          name,
        });
        if (opts.json) return printJson(body);
        println(`${status === 201 ? 'Created' : 'Updated'} connector ${body.name}.`);
      },
    ),
  );

  const simple = (verb: string, description: string, method: string, suffix: string, done: string) =>
    group.addCommand(
      clientCommand(verb, description)
        .argument('<name>', 'connector name')
        .action(async (name: string, opts: ClientOptions) => {
          const { body } = await clientOf(opts).request(method, connectorPath(name, suffix));
          if (opts.json) return body === null ? undefined : printJson(body);
          println(`Connector ${name} ${done}.`);
        }),
    );
  simple('delete', 'Delete a connector (its tasks stop; source offsets are kept)', 'DELETE', '', 'deleted');
  simple('pause', 'Pause a connector and its tasks (resources kept)', 'PUT', '/pause', 'paused');
  simple('resume', 'Resume a paused or stopped connector', 'PUT', '/resume', 'resumed');
  simple(
    'stop',
    'Stop a connector: tasks shut down, config kept (needed before changing offsets)',
    'PUT',
    '/stop',
    'stopped',
  );

  group.addCommand(
    clientCommand('restart', 'Restart a connector, its tasks (--include-tasks, --only-failed) or one task (--task)')
      .argument('<name>', 'connector name')
      .option('--include-tasks', 'also restart the tasks')
      .option('--only-failed', 'only what is FAILED')
      .option('--task <n>', 'restart only this task', parseTaskNumber)
      .action(
        async (name: string, opts: ClientOptions & { includeTasks?: boolean; onlyFailed?: boolean; task?: number }) => {
          const client = clientOf(opts);
          if (opts.task !== undefined) {
            if (opts.includeTasks || opts.onlyFailed)
              throw new CliError('--task cannot be combined with --include-tasks or --only-failed', 2);
            await client.request('POST', connectorPath(name, `/tasks/${opts.task}/restart`));
            if (opts.json) return;
            return println(`Task ${name}-${opts.task} restarted.`);
          }
          const query = `?includeTasks=${opts.includeTasks === true}&onlyFailed=${opts.onlyFailed === true}`;
          const { body } = await client.request<ConnectorStateInfo | null>(
            'POST',
            connectorPath(name, `/restart${query}`),
          );
          if (opts.json) return body === null ? undefined : printJson(body);
          println(`Restart of ${name} initiated.`);
          if (body !== null) println('', statusTable(body));
        },
      ),
  );

  group.addCommand(
    clientCommand('status', 'Show the state of a connector and of each task')
      .argument('<name>', 'connector name')
      .action(async (name: string, opts: ClientOptions) => {
        const { body } = await clientOf(opts).request<ConnectorStateInfo>('GET', connectorPath(name, '/status'));
        if (opts.json) return printJson(body);
        println(statusTable(body));
      }),
  );

  group.addCommand(offsetsCommand());
  return group;
}

function statusTable(s: ConnectorStateInfo): string {
  const rows: unknown[][] = [['connector', s.connector.state, s.connector.worker_id, firstLine(s.connector.trace)]];
  for (const t of s.tasks) rows.push([`task ${t.id}`, t.state, t.worker_id, firstLine(t.trace)]);
  return `Connector ${s.name} (${s.type})\n\n${renderTable(['WHAT', 'STATE', 'WORKER', 'TRACE'], rows)}`;
}

function offsetsCommand(): Command {
  const group = groupCommand(
    'offsets',
    "Read, alter or reset a connector's offsets (altering needs a STOPPED connector)",
  );
  group.addCommand(
    clientCommand('get', "Show a connector's committed offsets")
      .argument('<name>', 'connector name')
      .action(async (name: string, opts: ClientOptions) => {
        const { body } = await clientOf(opts).request<{ offsets: { partition: unknown; offset: unknown }[] }>(
          'GET',
          connectorPath(name, '/offsets'),
        );
        if (opts.json) return printJson(body);
        if (body.offsets.length === 0) return println(`Connector ${name} has no committed offsets.`);
        println(
          renderTable(
            ['PARTITION', 'OFFSET'],
            body.offsets.map((o) => [JSON.stringify(o.partition), JSON.stringify(o.offset)]),
            200,
          ),
        );
      }),
  );
  group.addCommand(
    clientCommand('alter', 'Alter offsets from a JSON file {"offsets": [{"partition": {...}, "offset": {...} | null}]}')
      .argument('<name>', 'connector name')
      .argument('<file>', 'JSON file with {"offsets": [...]} (or just the array)')
      .action(async (name: string, file: string, opts: ClientOptions) => {
        let doc: unknown;
        try {
          doc = JSON.parse(await readFile(file, 'utf8'));
        } catch (e) {
          throw new CliError(
            `cannot read offsets from ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
            2,
          );
        }
        const body = Array.isArray(doc) ? { offsets: doc } : doc;
        const answer = await clientOf(opts).request<{ message: string }>(
          'PATCH',
          connectorPath(name, '/offsets'),
          body,
        );
        if (opts.json) return printJson(answer.body);
        println(answer.body.message);
      }),
  );
  group.addCommand(
    clientCommand('reset', "Reset all of a connector's offsets")
      .argument('<name>', 'connector name')
      .action(async (name: string, opts: ClientOptions) => {
        const answer = await clientOf(opts).request<{ message: string }>('DELETE', connectorPath(name, '/offsets'));
        if (opts.json) return printJson(answer.body);
        println(answer.body.message);
      }),
  );
  return group;
}

function parseTaskNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a task number (0, 1, ...)');
  return Number(value);
}
