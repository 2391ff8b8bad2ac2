import type { FastifyInstance } from 'fastify';
import type { RestContext } from '../context.js';
import { RestError } from '../errors.js';
import { booleanQuery, configBody } from '../input.js';

type Plugin = { Params: { plugin: string } };

/** Plugin listing, plugin config definitions and config validation. */
export function pluginRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  app.get<{ Querystring: { connectorsOnly?: string } }>('/connector-plugins', async (req) =>
    herder.plugins(booleanQuery(req.query.connectorsOnly, 'connectorsOnly', true)),
  );

  app.get<Plugin>('/connector-plugins/:plugin/config', async (req) => herder.pluginConfig(req.params.plugin));

  app.put<Plugin>('/connector-plugins/:plugin/config/validate', async (req) => {
    const { plugin } = req.params;
    herder.pluginConfig(plugin); // 404 for an unknown plugin
    const config = configBody(req.body);
    const included = config['connector.class'];
    if (included !== undefined && included !== null && !samePlugin(ctx, String(included), plugin)) {
      // Kafka's message.
      throw new RestError(400, `Included connector type ${String(included)} does not match request type ${plugin}`);
    }
    return herder.validateConnectorConfig({ ...config, 'connector.class': included ?? plugin });
  });
}

/** Whether two plugin names select the same plugin (aliases resolved when the registry is known). */
function samePlugin(ctx: RestContext, a: string, b: string): boolean {
  const pa = ctx.registry?.find(a);
  const pb = ctx.registry?.find(b);
  if (pa !== undefined && pb !== undefined) return pa === pb;
  // Kafka's rule: the simple names, without a "Connector" suffix, must match at the end.
  const simple = (n: string) => n.trim().replace(/Connector$/, '');
  return simple(a).endsWith(simple(b)) || simple(b).endsWith(simple(a));
}
