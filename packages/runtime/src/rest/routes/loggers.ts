import type { FastifyInstance } from 'fastify';
import { parseLogLevel } from '../../logging/loggers.js';
import type { RestContext } from '../context.js';
import { RestError } from '../errors.js';
import { objectBody } from '../input.js';

type NamedLogger = { Params: { logger: string } };

/** Runtime log levels (KIP-495), in Kafka's shapes and log4j level names. */
export function loggerRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { loggers } = ctx;

  app.get('/admin/loggers', async () => loggers.levels());

  app.get<NamedLogger>('/admin/loggers/:logger', async (req) => loggers.level(req.params.logger));

  app.put<NamedLogger & { Querystring: { scope?: string } }>('/admin/loggers/:logger', async (req, reply) => {
    const scope = (req.query.scope ?? 'worker').toLowerCase();
    if (scope !== 'worker' && scope !== 'cluster') {
      throw new RestError(400, `Invalid scope '${req.query.scope}': use scope=worker (default) or scope=cluster`);
    }
    const body = objectBody(req.body, 'a JSON object {"level": "DEBUG"}');
    if (body.level === undefined || body.level === null) {
      // Kafka's message.
      throw new RestError(400, "Desired 'level' parameter was not specified in the request.");
    }
    const level = typeof body.level === 'string' ? parseLogLevel(body.level) : undefined;
    if (level === undefined) {
      throw new RestError(
        400,
        `Invalid log level '${String(body.level)}': use one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF`,
      );
    }
    const affected = loggers.setLevel(req.params.logger, level);
    // A standalone worker is the whole cluster; Kafka answers a cluster-scoped change with 204.
    if (scope === 'cluster') return reply.code(204).send();
    return affected;
  });
}
