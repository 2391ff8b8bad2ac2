import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RestServer } from './server.js';
import { call, startTestWorker, type TestWorker } from './worker.test.fixture.js';

const TOKEN = 'auth-test-token-0123456789';

/** A concrete path for a route pattern (any values: the auth check runs before the handler). */
function concrete(pattern: string): string {
  return pattern
    .replaceAll(':name', 'gen')
    .replaceAll(':task', '0')
    .replaceAll(':plugin', 'Generator')
    .replaceAll(':logger', 'root');
}

describe('REST auth with rest.auth.token', () => {
  let w: TestWorker;
  let routes: readonly { method: string; url: string }[];

  before(async () => {
    w = await startTestWorker({ overrides: { 'rest.auth.token': TOKEN } });
    // The route table of the same server code: a route added later cannot escape this test.
    routes = new RestServer({
      herder: w.running.herder,
      metrics: w.running.metrics,
      loggers: w.running.loggers,
    }).routes();
  });
  after(async () => {
    await w?.stop();
  });

  it('the route table covers the documented paths', () => {
    const urls = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const r of [
      'GET /health',
      'GET /metrics',
      'POST /connectors',
      'PUT /connectors/:name/stop',
      'PUT /admin/loggers/:logger',
    ]) {
      assert.ok(urls.has(r), r);
    }
    assert.ok(routes.length > 40, `only ${routes.length} routes`);
  });

  it('every route answers 401 with WWW-Authenticate without a token, and with a wrong one', async () => {
    for (const { method, url } of routes) {
      const path = concrete(url);
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { level: 'DEBUG' } : undefined;
      const attempts: Record<string, string>[] = [
        {},
        { Authorization: 'Bearer wrong-token' },
        { Authorization: `Basic ${TOKEN}` },
      ];
      for (const headers of attempts) {
        const a = await call(w.url, method, path, { headers, ...(body === undefined ? {} : { body }) });
        assert.equal(a.status, 401, `${method} ${path} with ${JSON.stringify(headers)}: ${a.status} ${a.text}`);
        assert.match(a.headers.get('www-authenticate') ?? '', /^Bearer realm="tributary"/, `${method} ${path}`);
        if (method !== 'HEAD') {
          assert.equal(a.body.error_code, 401);
          assert.ok(!a.text.includes(TOKEN), 'the token is never echoed');
        }
      }
    }
  });

  it('unknown paths answer 401 too (no route discovery without the token)', async () => {
    assert.equal((await call(w.url, 'GET', '/no/such/path')).status, 401);
  });

  it('the right token is accepted on every kind of route', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    assert.equal((await call(w.url, 'GET', '/health', { headers: auth })).status, 200);
    assert.equal((await call(w.url, 'GET', '/metrics', { headers: auth })).status, 200);
    assert.equal(
      (await call(w.url, 'GET', '/connectors', { headers: { authorization: `bearer ${TOKEN}` } })).status,
      200,
    );
    const created = await call(w.url, 'POST', '/connectors', {
      headers: auth,
      body: { name: 'gen', config: { 'connector.class': 'Generator', topic: 't', rate: '1' } },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal((await call(w.url, 'DELETE', '/connectors/gen', { headers: auth })).status, 204);
    assert.equal((await call(w.url, 'GET', '/no/such/path', { headers: auth })).status, 404);
  });

  it('the token never reaches the logs', () => {
    assert.ok(w.logs.length > 0);
    assert.ok(!w.logs.join('').includes(TOKEN));
  });
});
