import { Connection, type ConnectionOptions, type ServerRequestHandler } from './connection.js';
import { ClientClosedError } from './errors.js';

/**
 * One {@link Connection} per server address, created on first use and shared by everything in a client
 * (producer, consumers, membership, admin), so requests to one broker are pipelined on one socket.
 * Server-request handlers registered here are installed on every connection, present and future.
 */
export class ConnectionPool {
  readonly #connections = new Map<string, Connection>();
  readonly #handlers = new Map<number, ServerRequestHandler>();
  readonly #options: ConnectionOptions;
  readonly #listeners: ((conn: Connection) => void)[] = [];
  #closed = false;

  constructor(options: ConnectionOptions = {}) {
    this.#options = options;
  }

  /** The connection to `address`, created (not yet opened) if needed. */
  get(address: string): Connection {
    if (this.#closed) throw new ClientClosedError();
    let conn = this.#connections.get(address);
    if (conn === undefined) {
      conn = new Connection(address, this.#options);
      for (const [code, h] of this.#handlers) conn.setRequestHandler(code, h);
      this.#connections.set(address, conn);
      for (const l of this.#listeners) l(conn);
    }
    return conn;
  }

  /** Existing connections. */
  all(): Connection[] {
    return [...this.#connections.values()];
  }

  /** Installs a handler for a server-initiated request code on all connections. */
  setRequestHandler(code: number, handler: ServerRequestHandler): void {
    this.#handlers.set(code, handler);
    for (const c of this.#connections.values()) c.setRequestHandler(code, handler);
  }

  /** Calls `listener` for every connection created from now on. */
  onConnection(listener: (conn: Connection) => void): void {
    this.#listeners.push(listener);
  }

  /** Closes every connection; pending requests reject with ClientClosedError. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
