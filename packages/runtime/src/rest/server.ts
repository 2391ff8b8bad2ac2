import { execFile } from 'node:child_process';
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorTrace, type Logger, type PluginRegistry } from '@tributary/api';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, fastify } from 'fastify';
import type { WorkerConfig } from '../config/worker-config.js';
import type { Herder } from '../herder/herder.js';
import type { LoggerRegistry } from '../logging/loggers.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { RestContext } from './context.js';
import { RestError, toHttpError } from './errors.js';
import { parseJsonBody } from './json-body.js';
import { connectorRoutes } from './routes/connectors.js';
import { loggerRoutes } from './routes/loggers.js';
import { offsetRoutes } from './routes/offsets.js';
import { pluginRoutes } from './routes/plugins.js';
import { rocketmqCompatRoutes } from './routes/rocketmq-compat.js';
import { rootRoutes } from './routes/root.js';
import { taskRoutes } from './routes/tasks.js';
import { topicRoutes } from './routes/topics.js';

export interface RestServerOptions {
  readonly herder: Herder;
  readonly metrics: WorkerMetrics;
  readonly loggers: LoggerRegistry;
  /** Resolves plugin aliases in `config/validate`; optional. */
  readonly registry?: PluginRegistry;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind (default 8083; 0 = any free port). */
  readonly port?: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  readonly authToken?: string | null;
  /** Largest accepted request body in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** `kafka_cluster_id` of `GET /` (default: the herder's cluster id). */
  readonly clusterId?: string;
}

/** One registered route, for docs and the test that every route requires the token. */
export interface RouteEntry {
  readonly method: string;
  /** Fastify's pattern, e.g. `/connectors/:name/status`. */
  readonly url: string;
  /** True for routes that only answer 405 (RocketMQ Connect's mutating GETs). */
  readonly refuses: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The REST options of a worker config (`rest.host`, `rest.port`, `rest.auth.token`, `rest.max.body.bytes`). */
export function restOptionsFromConfig(
  config: WorkerConfig,
): Pick<RestServerOptions, 'host' | 'port' | 'authToken' | 'maxBodyBytes'> {
  const token = config['rest.auth.token'];
  return {
    host: config['rest.host'],
    port: config['rest.port'],
    authToken: token === null ? null : token.reveal(),
    maxBodyBytes: config['rest.max.body.bytes'],
  };
}

/**
 * The worker's REST API: Kafka Connect's paths, bodies and status codes plus RocketMQ Connect's paths,
 * as a thin layer over the {@link Herder}. Errors answer `{"error_code", "message"}` (see `errors.ts`);
 * request bodies must be JSON within `maxBodyBytes`; with an auth token every route requires it.
 * Requests are logged (method, path, status, time) under `tributary.rest`, never bodies or headers.
 */
export class RestServer {
  /** The fastify instance (tests may `inject` requests without a socket). */
  readonly app: FastifyInstance;
  readonly #options: RestServerOptions;
  readonly #routes: RouteEntry[] = [];
  readonly #log: Logger;
  #url: string | null = null;

  constructor(options: RestServerOptions) {
    this.#options = options;
    this.#log = options.loggers.get('tributary.rest');
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.app = fastify({
      // Our own access log below: fastify's would include request details we do not want in logs.
      logger: false,
      bodyLimit: maxBodyBytes,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
      return503OnClosing: true,
    });
    const app = this.app;
    app.addHook('onRoute', (route) => {
      const refuses = (route.config as { refuses?: boolean } | undefined)?.refuses === true;
      for (const method of [route.method].flat()) this.#routes.push({ method, url: route.url, refuses });
    });

    // Only JSON bodies: anything else is a 415 (fastify's default text/plain parser is removed).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (e) {
        done(e as Error, undefined);
      }
    });

    const token = options.authToken ?? null;
    if (token !== null && token !== '') {
      const expected = digest(token);
      app.addHook('onRequest', async (req) => {
        const header = req.headers.authorization;
        const m = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
        if (m === null) {
          throw new RestError(
            401,
            "Authentication required: send 'Authorization: Bearer <token>' with the worker's rest.auth.token",
            { 'WWW-Authenticate': 'Bearer realm="tributary"' },
          );
        }
        // Compare fixed-length digests so the time taken says nothing about the token.
        if (!timingSafeEqual(digest(m[1]!), expected)) {
          throw new RestError(401, "Invalid bearer token: use the worker's rest.auth.token", {
            'WWW-Authenticate': 'Bearer realm="tributary", error="invalid_token"',
          });
        }
      });
    }

    app.addHook('onResponse', async (req, reply) => this.#logRequest(req, reply));
    app.setErrorHandler((error, req, reply) => {
      const { status, body, headers } = toHttpError(error, {
        maxBodyBytes,
        contentType: req.headers['content-type']?.split(';')[0]?.trim().slice(0, 100),
      });
      if (status >= 500) this.#log.error(`${req.method} ${pathOf(req)} failed`, { error: errorTrace(error) });
      reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
    });
    app.setNotFoundHandler(async (req) => {
      const path = pathOf(req);
      const allowed = this.#allowedMethods(path);
      if (allowed.length > 0) {
        throw new RestError(405, `Method ${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, {
          Allow: allowed.join(', '),
        });
      }
      throw new RestError(404, `No such path: ${req.method} ${path}. See docs/rest.md for the paths of this API.`);
    });

    const ctx = createContext(options);
    rootRoutes(app, ctx);
    connectorRoutes(app, ctx);
    taskRoutes(app, ctx);
    offsetRoutes(app, ctx);
    topicRoutes(app, ctx);
    pluginRoutes(app, ctx);
    loggerRoutes(app, ctx);
    rocketmqCompatRoutes(app, ctx);
  }

  /** Every registered route (HEAD variants of GETs included). */
  routes(): readonly RouteEntry[] {
    return this.#routes;
  }

  /** The base URL clients use, e.g. `http://127.0.0.1:8083` (after {@link start}). */
  get url(): string {
    if (this.#url === null) throw new Error('the REST server is not started');
    return this.#url;
  }

  /** Binds `host:port` and returns the URL. @throws when the port is taken */
  async start(): Promise<string> {
    const host = this.#options.host ?? '127.0.0.1';
    const wanted = this.#options.port ?? 8083;
    try {
      await this.app.listen({ host, port: wanted });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'EADDRINUSE'
          ? 'the port is in use; set rest.port to a free port (0 = any)'
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? 'no such local address; check rest.host'
            : code === 'EACCES'
              ? 'permission denied; use a port above 1023'
              : (e as Error).message;
      throw new Error(`Cannot bind the REST API to ${host}:${wanted}: ${why}`, { cause: e });
    }
    const address = this.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : wanted;
    const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    this.#url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
    this.#log.info(`REST API listening on ${this.#url}${host !== shown ? ` (bound to ${host})` : ''}`);
    return this.#url;
  }

  /** Stops accepting requests and waits for those in flight. */
  async close(): Promise<void> {
    await this.app.close();
  }

  #allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const r of this.#routes) {
      if (r.method !== 'HEAD' && !r.refuses && patternRegex(r.url).test(path)) methods.add(r.method);
    }
    return [...methods].sort();
  }

  #logRequest(req: FastifyRequest, reply: FastifyReply): void {
    const line = `${req.method} ${pathOf(req)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`;
    if (reply.statusCode >= 500) this.#log.warn(line);
    else if (MUTATIONS.has(req.method)) this.#log.info(line);
    else this.#log.debug(line);
  }
}

/** Creates the REST server of a worker (not yet listening: call `start`). */
export function createRestServer(options: RestServerOptions): RestServer {
  return new RestServer(options);
}

function createContext(options: RestServerOptions): RestContext {
  let commit: Promise<string> | null = null;
  return {
    herder: options.herder,
    metrics: options.metrics,
    loggers: options.loggers,
    registry: options.registry,
    clusterId: options.clusterId,
    version: RUNTIME_VERSION,
    commit: () => {
      commit ??= sourceCommit();
      return commit;
    },
  };
}

const PACKAGE_DIR = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** The version of @tributary/runtime (from its package.json). */
export const RUNTIME_VERSION: string = (() => {
  try {
    return (
      (JSON.parse(readFileSync(`${PACKAGE_DIR}/package.json`, 'utf8')) as { version?: string }).version ?? 'unknown'
    );
  } catch {
    return 'unknown';
  }
})();

/** `TRIBUTARY_COMMIT`, else the checkout's `git rev-parse HEAD`, else "unknown". */
function sourceCommit(): Promise<string> {
  const fromEnv = process.env.TRIBUTARY_COMMIT?.trim();
  if (fromEnv) return Promise.resolve(fromEnv);
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_DIR, timeout: 2000 }, (error, stdout) => {
      const sha = stdout?.toString().trim() ?? '';
      resolve(error === null && /^[0-9a-f]{7,64}$/.test(sha) ? sha : 'unknown');
    });
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The request path without the query string (queries are not logged). */
function pathOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}

const patternCache = new Map<string, RegExp>();

/** A regex for a fastify route pattern (`:param` = one path segment). */
function patternRegex(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    const body = pattern
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    re = new RegExp(`^${body}/?$`);
    patternCache.set(pattern, re);
  }
  return re;
}
