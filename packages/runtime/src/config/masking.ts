import { Password, type PluginKind, type PluginRegistry } from '@tributary/api';
import { hasPlaceholder } from './config-providers.js';
import { subConfig } from './connector-config.js';

/**
 * Keys of a connector config whose fields are of type password in the connector's spec, its converters'
 * specs (prefixed) or its transforms' and predicates' specs (prefixed). Unknown plugins contribute nothing.
 */
export function passwordKeys(registry: PluginRegistry, config: Readonly<Record<string, string>>): Set<string> {
  const keys = new Set<string>();
  const add = (pluginName: string | undefined, kinds: PluginKind[], prefix: string) => {
    if (pluginName === undefined || pluginName.trim() === '') return;
    const plugin = registry.find(pluginName);
    if (plugin === undefined || !kinds.includes(plugin.kind)) return;
    for (const f of plugin.spec.fields) {
      if (f.type !== 'password') continue;
      for (const name of [f.name, ...f.aliases]) keys.add(prefix + name);
    }
  };
  add(config['connector.class'], ['source', 'sink'], '');
  add(config['key.converter'], ['converter'], 'key.converter.');
  add(config['value.converter'], ['converter'], 'value.converter.');
  add(config['header.converter'], ['header_converter'], 'header.converter.');
  for (const alias of (config.transforms ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    add(config[`transforms.${alias}.type`], ['transformation'], `transforms.${alias}.`);
  }
  for (const alias of (config.predicates ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    add(subConfig(config, `predicates.${alias}.`).type, ['predicate'], `predicates.${alias}.`);
  }
  return keys;
}

/** A copy with literal secret values replaced by `[hidden]` (provider placeholders are not secrets and stay). */
export function maskConfig(
  config: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = secretKeys.has(key) && value !== '' && !hasPlaceholder(value) ? Password.HIDDEN : value;
  }
  return out;
}

/**
 * For an update that echoes `[hidden]` back (a GET-modify-PUT round trip), keeps the stored secret instead
 * of storing the mask.
 */
export function keepHiddenSecrets(
  next: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> | undefined,
  secretKeys: ReadonlySet<string>,
): Record<string, string> {
  const out = { ...next };
  for (const key of secretKeys) {
    if (out[key] === Password.HIDDEN && stored?.[key] !== undefined) out[key] = stored[key];
  }
  return out;
}
