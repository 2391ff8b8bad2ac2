/**
 * Helpers for the integration tests of MySqlCdcSource (not part of the connector): the gate that skips or
 * fails a suite when MariaDB is unreachable, root connections to the shared server, and a private MariaDB
 * instance a test starts on its own port and data directory (to test a server without binlog, a changed
 * binlog format, purged binlogs) without touching the shared one.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { serviceGate } from '../testkit/index.js';

/** The shared server (scripts/services.sh start mariadb). */
export const MARIADB_HOST = process.env.TRIBUTARY_MARIADB_HOST ?? '127.0.0.1';
export const MARIADB_PORT = Number(process.env.TRIBUTARY_MARIADB_PORT ?? 3306);
/** The CDC user the services script creates. */
export const CDC_USER = 'cdc';
export const CDC_PASSWORD = 'cdc';

function canConnect(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** Why the shared MariaDB cannot serve CDC tests, or undefined when it can. */
export async function mariadbUnavailable(): Promise<string | undefined> {
  const where = `MariaDB at ${MARIADB_HOST}:${MARIADB_PORT}`;
  if (!(await canConnect(MARIADB_HOST, MARIADB_PORT))) return `${where} is not reachable`;
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user: 'root' });
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT @@log_bin AS b, @@binlog_format AS f, @@binlog_row_image AS i',
    );
    const r = rows[0]!;
    if (Number(r.b) !== 1 || r.f !== 'ROW' || r.i !== 'FULL') {
      return `${where} has no row-based binlog (log_bin=${r.b}, binlog_format=${r.f}, binlog_row_image=${r.i})`;
    }
    const [users] = await conn.query<mysql.RowDataPacket[]>("SELECT 1 FROM mysql.user WHERE user = 'cdc'");
    if (users.length === 0) return `${where} has no 'cdc' user`;
    return undefined;
  } catch (e) {
    return `${where} refused root access: ${(e as Error).message}`;
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/**
 * The project's rule for integration tests: skip with a printed reason when MariaDB (with binlog) is not
 * available, but fail under `CI=true` or `TRIBUTARY_REQUIRE_SERVICES=1`. Returns the suite's `skip` option.
 */
export async function mariadbGate(): Promise<{ skip: string | false }> {
  const missing = await mariadbUnavailable();
  const reason = missing === undefined ? undefined : `${missing} (start it with: scripts/services.sh start mariadb)`;
  return { skip: serviceGate('MariaDB with binlog', reason) };
}

/** A root connection to the shared server. */
export function rootConnection(port = MARIADB_PORT): Promise<mysql.Connection> {
  return mysql.createConnection({ host: MARIADB_HOST, port, user: 'root', multipleStatements: true });
}

/** A name unique to this run, usable as a database or table name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}

/** A replication client id unlikely to collide with another reader's. */
export function randomServerId(): string {
  return String(100_000 + Math.floor(Math.random() * 2_000_000_000));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

const run = promisify(execFile);

/** Why a private instance cannot be started here (no mariadbd / mariadb-install-db), or undefined. */
export async function privateInstanceUnavailable(): Promise<string | undefined> {
  for (const bin of ['/usr/sbin/mariadbd', '/usr/bin/mariadb-install-db']) {
    try {
      await access(bin);
    } catch {
      return `${bin} is not installed`;
    }
  }
  return undefined;
}

export interface PrivateOptions {
  /** Start with a row-based binlog (log_bin, ROW, FULL, server_id=2); otherwise binlog off. */
  readonly binlog: boolean;
}

/**
 * A MariaDB server of its own (data dir under the temp dir, a free port, `--no-defaults`), with a `cdc`
 * user like the shared server's. Restart it with other options on the same data.
 */
export class PrivateMariaDb {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | null = null;

  private constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  static async create(options: PrivateOptions): Promise<PrivateMariaDb> {
    const dir = await mkdtemp(join(tmpdir(), 'trib-mariadb-'));
    const asRoot = process.getuid?.() === 0;
    await run('/usr/bin/mariadb-install-db', [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...(asRoot ? ['--user=root'] : []),
    ]);
    const db = new PrivateMariaDb(dir, await freePort());
    await db.start(options);
    const conn = await db.root();
    try {
      await conn.query(
        "CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdc'; GRANT REPLICATION SLAVE, BINLOG MONITOR, SELECT ON *.* TO 'cdc'@'%'",
      );
    } finally {
      await conn.end();
    }
    return db;
  }

  async start(options: PrivateOptions): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--socket=${join(this.dir, 'mariadb.sock')}`,
      `--pid-file=${join(this.dir, 'mariadb.pid')}`,
      `--log-error=${join(this.dir, 'error.log')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=16M',
      '--server-id=2',
      ...(options.binlog ? ['--log-bin=private-bin', '--binlog-format=ROW', '--binlog-row-image=FULL'] : []),
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ];
    const child = spawn('/usr/sbin/mariadbd', args, { stdio: 'ignore' });
    this.#child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`private mariadbd exited (${child.exitCode}); see ${this.dir}/error.log`);
      try {
        const c = await this.root();
        await c.end();
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(`private mariadbd did not answer within 60 s; see ${this.dir}/error.log`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child === null || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(options: PrivateOptions): Promise<void> {
    await this.stop();
    await this.start(options);
  }

  root(): Promise<mysql.Connection> {
    return mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', multipleStatements: true });
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
