import type { FastifyInstance } from 'fastify';
import type { RestContext } from '../context.js';

/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const HEALTH_STATUS = { healthy: 200, starting: 503, unhealthy: 500 } as const;

/** `GET /` (worker version), `GET /health` (KIP-1017), `GET /metrics` (Prometheus). */
export function rootRoutes(app: FastifyInstance, ctx: RestContext): void {
  app.get('/', async () => ({
    version: ctx.version,
    commit: await ctx.commit(),
    kafka_cluster_id: ctx.clusterId ?? (await ctx.herder.cluster()).clusterId,
  }));

  app.get('/health', async (_req, reply) => {
    const health = ctx.herder.health();
    reply.code(HEALTH_STATUS[health.status]);
    return { status: health.status, message: health.message };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.type(PROMETHEUS_CONTENT_TYPE);
    return ctx.metrics.prometheus();
  });

  // The workers of the cluster and what runs on each (one worker in standalone mode).
  app.get('/cluster', async () => ctx.herder.cluster());
}
