import type { FastifyInstance } from 'fastify';
import type { RestContext } from '../context.js';
import { taskId } from '../input.js';

type Named = { Params: { name: string } };
type Task = { Params: { name: string; task: string } };

/** Task configs, task status and task restarts. */
export function taskRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  app.get<Named>('/connectors/:name/tasks', async (req) => herder.taskConfigs(req.params.name));

  // Deprecated in Kafka 3.7 (KIP-970) but still served: task id "<connector>-<n>" → task config.
  app.get<Named>('/connectors/:name/tasks-config', async (req, reply) => {
    const out: Record<string, Readonly<Record<string, string>>> = {};
    for (const t of await herder.taskConfigs(req.params.name)) out[`${t.id.connector}-${t.id.task}`] = t.config;
    reply.header('Deprecation', 'true');
    return out;
  });

  app.get<Task>('/connectors/:name/tasks/:task/status', async (req) =>
    herder.taskStatus(req.params.name, taskId(req.params.name, req.params.task)),
  );

  app.post<Task>('/connectors/:name/tasks/:task/restart', async (req, reply) => {
    await herder.restartTask(req.params.name, taskId(req.params.name, req.params.task));
    return reply.code(204).send();
  });
}
