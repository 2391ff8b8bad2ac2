import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type Plugin, PluginRegistry } from '@tributary/api';
import { connectorPlugins } from '@tributary/connectors';
import { converterPlugins, predicatePlugins, transformationPlugins } from '@tributary/transforms';

/** Every plugin that ships with Tributary. */
export function builtinPlugins(): Plugin[] {
  return [...connectorPlugins, ...converterPlugins, ...transformationPlugins, ...predicatePlugins];
}

/**
 * The registry of a worker: the built-in plugins plus the bundles found on `plugin.path`. Each entry of
 * `plugin.path` is a module file or a package directory whose main module exports `plugins` (an array of
 * descriptors). Loading has no side effects beyond importing those modules.
 * @throws ConfigError naming the path that could not be loaded or exports no plugins.
 */
export async function createRegistry(
  pluginPath: readonly string[] = [],
  base = process.cwd(),
): Promise<PluginRegistry> {
  const registry = new PluginRegistry(builtinPlugins());
  for (const entry of pluginPath) {
    const path = isAbsolute(entry) ? entry : resolve(base, entry);
    let target = path;
    try {
      if ((await stat(path)).isDirectory()) target = join(path, 'index.js');
    } catch {
      throw new ConfigError(`plugin.path entry '${entry}' does not exist`, {
        'plugin.path': [`'${entry}' does not exist`],
      });
    }
    let mod: { plugins?: unknown; default?: { plugins?: unknown } };
    try {
      mod = await import(pathToFileURL(target).href);
    } catch (e) {
      throw new ConfigError(`plugin.path entry '${entry}' could not be loaded: ${(e as Error).message}`, {
        'plugin.path': [`'${entry}' could not be loaded`],
      });
    }
    const plugins = mod.plugins ?? mod.default?.plugins;
    if (!Array.isArray(plugins)) {
      throw new ConfigError(`plugin.path entry '${entry}' exports no 'plugins' array`, {
        'plugin.path': [`'${entry}' exports no 'plugins' array`],
      });
    }
    for (const p of plugins as Plugin[]) registry.add(p);
  }
  return registry;
}
