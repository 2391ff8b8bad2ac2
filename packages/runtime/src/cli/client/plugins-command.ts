import type { Command } from 'commander';
import type { ConfigInfos, ConfigKeyInfo, PluginDescription } from '../../herder/entities.js';
import {
  type ClientOptions,
  type ConfigInputOptions,
  clientCommand,
  clientOf,
  groupCommand,
  readConfigInput,
  withConfigPairs,
} from './common.js';
import { CliError } from './http.js';
import { printJson, println, renderTable } from './output.js';

/** `tributary plugins ...`: the plugins a running worker knows, their configs, and config validation. */
export function pluginsCommand(): Command {
  const group = groupCommand('plugins', 'List plugins, show their config keys, validate connector configs');

  group.addCommand(
    clientCommand('list', 'List connector plugins (--all: also converters, transforms, predicates)')
      .option('-a, --all', 'include converters, header converters, transformations and predicates')
      .action(async (opts: ClientOptions & { all?: boolean }) => {
        const { body } = await clientOf(opts).request<PluginDescription[]>(
          'GET',
          `/connector-plugins?connectorsOnly=${opts.all !== true}`,
        );
        if (opts.json) return printJson(body);
        println(
          renderTable(
            ['CLASS', 'TYPE', 'VERSION'],
            body.map((p) => [p.class, p.type, p.version]),
          ),
        );
      }),
  );

  group.addCommand(
    clientCommand('config', "Show a plugin's config keys")
      .argument('<plugin>', 'plugin name or alias')
      .action(async (plugin: string, opts: ClientOptions) => {
        const { body } = await clientOf(opts).request<ConfigKeyInfo[]>(
          'GET',
          `/connector-plugins/${encodeURIComponent(plugin)}/config`,
        );
        if (opts.json) return printJson(body);
        println(
          renderTable(
            ['KEY', 'TYPE', 'DEFAULT', 'IMPORTANCE', 'DESCRIPTION'],
            body.map((k) => [
              k.name,
              k.type,
              k.required ? '(required)' : (k.default_value ?? ''),
              k.importance,
              k.documentation,
            ]),
          ),
        );
      }),
  );

  group.addCommand(
    withConfigPairs(
      clientCommand('validate', 'Validate a connector config against a plugin (exit 2 when invalid)')
        .argument('<plugin>', 'connector plugin name or alias')
        .argument('[file]', 'config file: REST body {"name","config"}, flat JSON/YAML map or .properties'),
    ).action(async (plugin: string, file: string | undefined, opts: ClientOptions & ConfigInputOptions) => {
      const input = await readConfigInput(file, opts.config);
      const { body } = await clientOf(opts).request<ConfigInfos>(
        'PUT',
        `/connector-plugins/${encodeURIComponent(plugin)}/config/validate`,
        input.config,
      );
      if (opts.json) printJson(body);
      const errors = body.configs.flatMap((c) => c.value.errors.map((e) => [c.value.name, e]));
      if (!opts.json) {
        if (errors.length === 0) println(`The config is valid for ${body.name}.`);
        else println(`${body.error_count} error(s):`, '', renderTable(['KEY', 'ERROR'], errors, 200));
      }
      if (body.error_count > 0) throw new CliError(`the config has ${body.error_count} error(s)`, 2);
    }),
  );
  return group;
}
