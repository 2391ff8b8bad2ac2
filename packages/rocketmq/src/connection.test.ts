// Transport behaviour against a small in-process frame server (not a broker stand-in: it only echoes
// frames so that timing, correlation and failure cases can be driven precisely).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { Connection } from './connection.js';
import { ClientClosedError, ConnectionClosedError, ConnectionFailedError, RequestTimeoutError } from './errors.js';
import { FLAG_ONEWAY, FLAG_RESPONSE } from './protocol.js';
import { encodeCommand, type RemotingCommand, SerializeType } from './remoting-codec.js';
import { type FrameServer, frameServer } from './testing/frame-server.js';

const reply = (req: RemotingCommand, extra: Partial<RemotingCommand> = {}, type: SerializeType = SerializeType.JSON) =>
  encodeCommand(
    {
      code: 0,
      language: 'JAVA',
      version: 479,
      opaque: req.opaque,
      flag: FLAG_RESPONSE,
      remark: null,
      extFields: { echo: String(req.extFields?.n) },
      body: null,
      ...extra,
    },
    type,
  );

const servers: FrameServer[] = [];
const conns: Connection[] = [];
after(async () => {
  await Promise.all(conns.map((c) => c.close()));
  for (const s of servers) {
    for (const sock of s.sockets) sock.destroy();
    s.server.close();
  }
});
async function setup(options = {}) {
  const fs = await frameServer();
  servers.push(fs);
  const conn = new Connection(fs.address, { requestTimeoutMs: 2000, reconnectInitialDelayMs: 20, ...options });
  conns.push(conn);
  return { fs, conn };
}

test('many requests in flight are matched by opaque, whatever the response order', async () => {
  const { fs, conn } = await setup();
  const held: [RemotingCommand, Socket][] = [];
  fs.onFrame = (cmd, s) => {
    held.push([cmd, s]);
    if (held.length === 100) {
      // answer in reverse order, all in one write, the last one in binary header form
      const out = held.reverse().map(([c], i) => reply(c, {}, i === 99 ? SerializeType.ROCKETMQ : SerializeType.JSON));
      s.write(Buffer.concat(out));
    }
  };
  const results = await Promise.all(Array.from({ length: 100 }, (_, n) => conn.request(10, { n: String(n) })));
  for (const [n, r] of results.entries()) assert.equal(r.extFields?.echo, String(n));
  assert.equal(conn.inFlight, 0);
});

test('frames split into single bytes are reassembled; a large body arrives intact', async () => {
  const { fs, conn } = await setup();
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i & 255;
  fs.onFrame = (cmd, s) => {
    const out = reply(cmd, { body: cmd.extFields?.n === 'big' ? big : Buffer.from('small') });
    if (cmd.extFields?.n === 'big') {
      s.write(out);
      return;
    }
    let i = 0;
    const drip = () => {
      if (i < out.length) {
        s.write(out.subarray(i, i + 1));
        i++;
        setImmediate(drip);
      }
    };
    drip();
  };
  const small = await conn.request(10, { n: 'small' });
  const large = await conn.request(10, { n: 'big' });
  assert.equal(small.body?.toString(), 'small');
  assert.deepEqual(large.body, big);
});

test('a request without a response times out with a typed, retriable error; the connection stays usable', async () => {
  const { fs, conn } = await setup();
  fs.onFrame = (cmd, s) => {
    if (cmd.extFields?.n !== 'silent') s.write(reply(cmd));
  };
  const err = await conn.request(11, { n: 'silent' }, null, 100).catch((e: unknown) => e);
  assert.ok(err instanceof RequestTimeoutError);
  assert.equal(err.retriable, true);
  assert.equal(err.requestCode, 11);
  assert.equal(err.address, fs.address);
  assert.equal((await conn.request(10, { n: 'ok' })).extFields?.echo, 'ok');
});

test('one-way requests carry the one-way flag and expect nothing', async () => {
  const { fs, conn } = await setup();
  await conn.oneway(15, { n: 'x' });
  const got = await fs.waitFor((c) => c.code === 15);
  assert.equal(got.flag & FLAG_ONEWAY, FLAG_ONEWAY);
  assert.equal(conn.inFlight, 0);
});

test('server-initiated requests are answered by the registered handler; unknown codes get code 3; one-way ones get no answer', async () => {
  const { fs, conn } = await setup();
  fs.onFrame = (cmd, s) => {
    if (!(cmd.flag & FLAG_RESPONSE)) s.write(reply(cmd));
  };
  let notified = 0;
  conn.setRequestHandler(40, () => {
    notified++;
    return null;
  });
  conn.setRequestHandler(307, (req) => ({ code: 0, body: Buffer.from(`info for ${req.extFields?.clientId}`) }));
  await conn.request(10, { n: 'open' });
  const s = fs.sockets.at(-1)!;
  const serverReq = (code: number, opaque: number, flag = 0) =>
    encodeCommand({
      code,
      language: 'JAVA',
      version: 479,
      opaque,
      flag,
      remark: null,
      extFields: { clientId: 'c1', consumerGroup: 'g' },
      body: null,
    });
  s.write(Buffer.concat([serverReq(307, 9001), serverReq(40, 9002, FLAG_ONEWAY), serverReq(999, 9003)]));
  const info = await fs.waitFor((c) => c.opaque === 9001 && (c.flag & FLAG_RESPONSE) !== 0);
  assert.equal(info.code, 0);
  assert.equal(info.body?.toString(), 'info for c1');
  const unknown = await fs.waitFor((c) => c.opaque === 9003 && (c.flag & FLAG_RESPONSE) !== 0);
  assert.equal(unknown.code, 3);
  assert.equal(notified, 1);
  assert.equal(
    fs.received.some((c) => c.opaque === 9002 && (c.flag & FLAG_RESPONSE) !== 0),
    false,
  );
});

test('a dropped connection rejects pending requests (retriable) and reconnects', async () => {
  const { fs, conn } = await setup();
  fs.onFrame = (cmd, s) => {
    if (cmd.extFields?.n === 'drop') s.destroy();
    else s.write(reply(cmd));
  };
  await conn.request(10, { n: 'first' });
  const reconnected = once(conn, 'reconnect');
  const err = await conn.request(10, { n: 'drop' }).catch((e: unknown) => e);
  assert.ok(err instanceof ConnectionClosedError);
  assert.equal(err.retriable, true);
  await reconnected;
  assert.equal((await conn.request(10, { n: 'again' })).extFields?.echo, 'again');
  assert.equal(fs.sockets.length, 2);
});

test('close() rejects pending requests with ClientClosedError and refuses new ones', async () => {
  const { conn } = await setup();
  const pending = conn.request(10, { n: 'never' }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 50));
  await conn.close();
  const err = await pending;
  assert.ok(err instanceof ClientClosedError);
  assert.equal(err.retriable, false);
  await assert.rejects(conn.request(10, null), ClientClosedError);
});

test('connecting to a closed port fails with ConnectionFailedError', async () => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const addr = probe.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  probe.close();
  await once(probe, 'close');
  const conn = new Connection(`127.0.0.1:${port}`, { connectTimeoutMs: 1000 });
  conns.push(conn);
  const err = await conn.request(10, null).catch((e: unknown) => e);
  assert.ok(err instanceof ConnectionFailedError);
  assert.equal(err.requestCode, 10);
  assert.equal(err.retriable, true);
});
