import type { FastifyInstance } from 'fastify';
import type { RestContext } from '../context.js';

type Named = { Params: { name: string } };

/** The topics a connector has used since creation or the last reset (KIP-558). */
export function topicRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  app.get<Named>('/connectors/:name/topics', async (req) => {
    const { name } = req.params;
    return { [name]: { topics: await herder.connectorActiveTopics(name) } };
  });

  app.put<Named>('/connectors/:name/topics/reset', async (req, reply) => {
    await herder.resetConnectorActiveTopics(req.params.name);
    return reply.code(202).send();
  });
}
