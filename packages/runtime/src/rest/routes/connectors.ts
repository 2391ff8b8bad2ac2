import type { FastifyInstance } from 'fastify';
import type { ConnectorInfo, ConnectorStateInfo, InitialState } from '../../herder/entities.js';
import type { RestContext } from '../context.js';
import { RestError } from '../errors.js';
import { booleanQuery, configBody, listQuery, objectBody } from '../input.js';

type Named = { Params: { name: string } };

const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

/** Location of a connector, as Kafka answers a create. */
export function connectorLocation(name: string): string {
  return `/connectors/${encodeURIComponent(name)}`;
}

/**
 * Every connector with its status and/or info (`?expand=`); a connector deleted while listing is left out.
 * Shared with the RocketMQ-compatible `GET /connectors/list`.
 */
export async function expandedConnectors(
  ctx: RestContext,
  expand: { status: boolean; info: boolean },
): Promise<Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }>> {
  const out: Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }> = {};
  for (const name of await ctx.herder.connectors()) {
    try {
      const entry: { status?: ConnectorStateInfo; info?: ConnectorInfo } = {};
      if (expand.status) entry.status = await ctx.herder.connectorStatus(name);
      if (expand.info) entry.info = await ctx.herder.connectorInfo(name);
      out[name] = entry;
    } catch (e) {
      if ((e as { code?: string }).code !== 'TRIB_NOT_FOUND') throw e;
    }
  }
  return out;
}

/** Connectors: list, create, read, configure, delete, and their lifecycle (pause, resume, stop, restart). */
export function connectorRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { herder } = ctx;

  app.get<{ Querystring: { expand?: string | string[] } }>('/connectors', async (req) => {
    const expand = listQuery(req.query.expand);
    if (expand.length === 0) return herder.connectors();
    const wanted = { status: false, info: false };
    for (const e of expand) {
      const lower = e.toLowerCase();
      if (lower !== 'status' && lower !== 'info') {
        throw new RestError(400, `Expansion type ${e} is invalid: use expand=status and/or expand=info`);
      }
      wanted[lower] = true;
    }
    return expandedConnectors(ctx, wanted);
  });

  app.post('/connectors', async (req, reply) => {
    const body = objectBody(req.body, 'a JSON object {"name": "...", "config": {...}, "initial_state": "RUNNING"}');
    const config = body.config;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new RestError(400, "Request body needs a 'config' object of connector config keys to values");
    }
    const configName = (config as Record<string, unknown>).name;
    const rawName = body.name ?? configName;
    if (typeof rawName !== 'string' || rawName.trim() === '') {
      throw new RestError(400, "Request body needs a connector 'name' (a non-empty string)");
    }
    const name = rawName.trim();
    if (configName !== undefined && configName !== null && String(configName) !== name) {
      throw new RestError(
        400,
        `Connector name configuration (${String(configName)}) doesn't match connector name in the request (${name})`,
      );
    }
    let initial: InitialState | undefined;
    if (body.initial_state !== undefined && body.initial_state !== null) {
      const text = String(body.initial_state).toUpperCase();
      if (!(INITIAL_STATES as readonly string[]).includes(text)) {
        throw new RestError(
          400,
          `Invalid initial_state '${String(body.initial_state)}': use one of ${INITIAL_STATES.join(', ')}`,
        );
      }
      initial = text as InitialState;
    }
    const info = await herder.createConnector(name, { ...(config as Record<string, string>), name }, initial);
    reply.code(201).header('Location', connectorLocation(info.name));
    return info;
  });

  app.get<Named>('/connectors/:name', async (req) => herder.connectorInfo(req.params.name));

  app.delete<Named>('/connectors/:name', async (req, reply) => {
    await herder.deleteConnector(req.params.name);
    return reply.code(204).send();
  });

  app.get<Named>('/connectors/:name/config', async (req) => herder.connectorConfig(req.params.name));

  app.put<Named>('/connectors/:name/config', async (req, reply) => {
    const { created, info } = await herder.putConnectorConfig(req.params.name, configBody(req.body));
    if (created) reply.code(201).header('Location', connectorLocation(info.name));
    return info;
  });

  app.patch<Named>('/connectors/:name/config', async (req) => {
    const body = objectBody(req.body, 'a JSON object of config keys to new values (null removes a key)');
    const patch: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(body)) {
      if (value !== null && typeof value === 'object') {
        throw new RestError(400, `Config value of '${key}' must be a string, number, boolean or null`);
      }
      patch[key] = value === null ? null : String(value);
    }
    return herder.patchConnectorConfig(req.params.name, patch);
  });

  app.get<Named>('/connectors/:name/status', async (req) => herder.connectorStatus(req.params.name));

  app.post<Named & { Querystring: { includeTasks?: string; onlyFailed?: string } }>(
    '/connectors/:name/restart',
    async (req, reply) => {
      const request = {
        includeTasks: booleanQuery(req.query.includeTasks, 'includeTasks', false),
        onlyFailed: booleanQuery(req.query.onlyFailed, 'onlyFailed', false),
      };
      const status = await herder.restartConnector(req.params.name, request);
      if (status === null) return reply.code(204).send();
      return reply.code(202).send(status);
    },
  );

  app.put<Named>('/connectors/:name/pause', async (req, reply) => {
    await herder.pauseConnector(req.params.name);
    return reply.code(202).send();
  });

  app.put<Named>('/connectors/:name/resume', async (req, reply) => {
    await herder.resumeConnector(req.params.name);
    return reply.code(202).send();
  });

  app.put<Named>('/connectors/:name/stop', async (req, reply) => {
    await herder.stopConnector(req.params.name);
    return reply.code(204).send();
  });

  app.get<Named>('/connectors/:name/metrics', async (req) => {
    await herder.connectorInfo(req.params.name); // 404 for an unknown connector
    return ctx.metrics.connectorJson(req.params.name);
  });
}
