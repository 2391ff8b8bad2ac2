import type { FastifyInstance } from 'fastify';
import type { RestContext } from '../context.js';
import { RestError } from '../errors.js';
import { configBody } from '../input.js';
import { connectorLocation, expandedConnectors } from './connectors.js';

type Named = { Params: { name: string } };

/**
 * RocketMQ Connect's paths (and the seed's), answered with Kafka's bodies and real HTTP status codes (no
 * `{status, body}` envelope). GETs never change anything: RocketMQ's mutating GETs answer 405 with the
 * method to use instead.
 */
export function rocketmqCompatRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  // Create or update from a config body (RocketMQ's POST /connectors/{name}).
  app.post<Named>('/connectors/:name', async (req, reply) => {
    const { created, info } = await herder.putConnectorConfig(req.params.name, configBody(req.body));
    if (created) reply.code(201).header('Location', connectorLocation(info.name));
    return info;
  });

  // Stops the connector and keeps its config (RocketMQ's GET .../stop deleted it).
  app.post<Named>('/connectors/:name/stop', async (req, reply) => {
    await herder.stopConnector(req.params.name);
    return reply.code(204).send();
  });

  app.get('/connectors/list', async () => expandedConnectors(ctx, { status: true, info: true }));
  app.get('/plugin/list', async () => herder.plugins(false));
  app.get('/plugin/list/connectors', async () => herder.plugins(true));

  app.get('/getClusterInfo', async () => {
    const view = await herder.cluster();
    return { clusterId: view.clusterId, workers: view.workers };
  });
  app.get('/allocated/connectors', async () => (await herder.cluster()).assignments[herder.workerId]?.connectors ?? []);
  app.get('/allocated/tasks', async () => (await herder.cluster()).assignments[herder.workerId]?.tasks ?? []);

  const mutatingGet = (verb: string, instead: string) => {
    app.get<Named>(`/connectors/:name/${verb}`, { config: { refuses: true } }, async (req) => {
      const path = connectorLocation(req.params.name);
      throw new RestError(
        405,
        `GET ${path}/${verb} does not change anything here (RocketMQ Connect's GET ${verb} is not supported: a GET must not mutate). ${instead.replaceAll('{path}', path)}`,
        { Allow: verb === 'stop' ? 'PUT, POST' : 'PUT' },
      );
    });
  };
  mutatingGet('stop', 'Use PUT {path}/stop to stop it and keep its config, or DELETE {path} to delete it.');
  mutatingGet('pause', 'Use PUT {path}/pause.');
  mutatingGet('resume', 'Use PUT {path}/resume.');
}
