import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import {
  ClientClosedError,
  ConnectionClosedError,
  ConnectionFailedError,
  InvalidArgumentError,
  ProtocolError,
  RequestTimeoutError,
  type RocketMQError,
} from './errors.js';
import { CLIENT_VERSION, FLAG_ONEWAY, FLAG_RESPONSE, ResponseCode } from './protocol.js';
import {
  decodeCommand,
  encodeCommand,
  encodeCommandHead,
  MAX_FRAME_LENGTH,
  type RemotingCommand,
} from './remoting-codec.js';

/** Options of one {@link Connection}. */
export interface ConnectionOptions {
  /** Time to open the TCP connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Default time to wait for a response (default 5000 ms); each call may override it. */
  requestTimeoutMs?: number;
  /** First reconnect delay after an unexpected close (default 100 ms), doubled per failure. */
  reconnectInitialDelayMs?: number;
  /** Largest reconnect delay (default 5000 ms). */
  reconnectMaxDelayMs?: number;
  /** Language name sent in request headers (default NODE_JS). */
  language?: string;
}

/**
 * Answers a request the server sent to us (e.g. NOTIFY_CONSUMER_IDS_CHANGED, GET_CONSUMER_RUNNING_INFO).
 * Returns the response (code, remark, extFields, body) or null for none; ignored for one-way requests.
 */
export type ServerRequestHandler = (
  request: RemotingCommand,
  connection: Connection,
) => Promise<ResponseParts | null> | ResponseParts | null;

/** What a {@link ServerRequestHandler} answers. */
export interface ResponseParts {
  code: number;
  remark?: string | null;
  extFields?: Record<string, string> | null;
  body?: Buffer | null;
}

interface Pending {
  resolve: (cmd: RemotingCommand) => void;
  reject: (err: RocketMQError) => void;
  timer: NodeJS.Timeout;
  code: number;
}

type State = 'idle' | 'connecting' | 'open' | 'closed';

/**
 * One multiplexed TCP connection to a name server or broker: frames commands, matches responses to
 * requests by `opaque` (many requests in flight), times out requests, answers server-initiated requests,
 * and reconnects with exponential backoff after an unexpected close.
 *
 * Events: `connect` (each time the socket opens; `reconnect` also after the first), `disconnect` (err),
 * `error` is never emitted (failures surface on the calls).
 *
 * Contract: `request()` resolves with the response command whatever its code (callers check `code`);
 * it rejects with ConnectionFailedError (could not connect), ConnectionClosedError (closed while pending),
 * RequestTimeoutError, or ClientClosedError (after `close()`). All of them carry `requestCode` and `address`.
 */
export class Connection extends EventEmitter {
  readonly address: string;
  readonly #host: string;
  readonly #port: number;
  readonly #opts: Required<ConnectionOptions>;
  readonly #pending = new Map<number, Pending>();
  readonly #handlers = new Map<number, ServerRequestHandler>();
  #socket: Socket | null = null;
  #state: State = 'idle';
  #connecting: Promise<void> | null = null;
  #opaque = 0;
  #everConnected = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #reconnectAttempt = 0;
  // framing state
  #chunks: Buffer[] = [];
  #buffered = 0;
  #need = 4;
  // write coalescing: writes within one tick go out in one syscall
  #corked = false;

  constructor(address: string, options: ConnectionOptions = {}) {
    super();
    const { host, port } = splitAddress(address);
    this.address = address;
    this.#host = host;
    this.#port = port;
    this.#opts = {
      connectTimeoutMs: options.connectTimeoutMs ?? 3000,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 100,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 5000,
      language: options.language ?? 'NODE_JS',
    };
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#state === 'open';
  }

  /** Number of requests waiting for a response. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Registers the handler of a server-initiated request code (replaces any previous one). */
  setRequestHandler(code: number, handler: ServerRequestHandler): void {
    this.#handlers.set(code, handler);
  }

  /** Opens the socket if it is not open; resolves when it is. Concurrent calls share one attempt. */
  connect(): Promise<void> {
    if (this.#state === 'closed')
      return Promise.reject(new ClientClosedError(`connection to ${this.address} closed`, { address: this.address }));
    if (this.#state === 'open') return Promise.resolve();
    if (this.#connecting === null) {
      this.#state = 'connecting';
      this.#connecting = this.#open().finally(() => {
        this.#connecting = null;
      });
    }
    return this.#connecting;
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new Socket();
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      let settled = false;
      const timer = setTimeout(() => {
        fail(new Error(`connect timeout after ${this.#opts.connectTimeoutMs} ms`));
      }, this.#opts.connectTimeoutMs);
      const fail = (cause: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (this.#state === 'connecting') this.#state = 'idle';
        reject(
          new ConnectionFailedError(`cannot connect to ${this.address}: ${(cause as Error).message}`, {
            cause,
            address: this.address,
          }),
        );
      };
      socket.once('error', fail);
      socket.connect(this.#port, this.#host, () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', fail);
        if (this.#state === 'closed') {
          socket.destroy();
          reject(new ClientClosedError(`connection to ${this.address} closed`, { address: this.address }));
          return;
        }
        this.#attach(socket);
        resolve();
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    this.#state = 'open';
    this.#chunks = [];
    this.#buffered = 0;
    this.#need = 4;
    this.#reconnectAttempt = 0;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {
      // 'close' follows and does the work
    });
    socket.on('close', () => this.#onClose(socket));
    const first = !this.#everConnected;
    this.#everConnected = true;
    this.emit('connect');
    if (!first) this.emit('reconnect');
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    const closedByUs = this.#state === 'closed';
    if (!closedByUs) this.#state = 'idle';
    const err = closedByUs
      ? new ClientClosedError(`connection to ${this.address} closed`, { address: this.address })
      : new ConnectionClosedError(`connection to ${this.address} closed`, { address: this.address });
    this.#failAll(err);
    if (!closedByUs) {
      this.emit('disconnect', err);
      this.#scheduleReconnect();
    }
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer !== null || this.#state !== 'idle') return;
    const base = Math.min(
      this.#opts.reconnectMaxDelayMs,
      this.#opts.reconnectInitialDelayMs * 2 ** this.#reconnectAttempt,
    );
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectAttempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#state !== 'idle') return;
      this.connect().catch(() => this.#scheduleReconnect());
    }, delay);
    this.#reconnectTimer.unref();
  }

  #failAll(err: RocketMQError): void {
    if (this.#pending.size === 0) return;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(withRequest(err, p.code));
    }
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= this.#need) {
      const buf = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
      let p = 0;
      while (buf.length - p >= 4) {
        const length = buf.readInt32BE(p);
        if (length < 4 || length > MAX_FRAME_LENGTH) {
          this.#protocolFailure(new ProtocolError(`invalid frame length ${length} from ${this.address}`));
          return;
        }
        if (buf.length - p < 4 + length) break;
        const frame = buf.subarray(p, p + 4 + length);
        p += 4 + length;
        let cmd: RemotingCommand;
        try {
          cmd = decodeCommand(frame);
        } catch (err) {
          this.#protocolFailure(err as RocketMQError);
          return;
        }
        this.#dispatch(cmd);
        if (this.#socket === null) return;
      }
      const rest = p === buf.length ? null : buf.subarray(p);
      this.#chunks = rest === null ? [] : [rest];
      this.#buffered = rest === null ? 0 : rest.length;
      this.#need = rest !== null && rest.length >= 4 ? 4 + rest.readInt32BE(0) : 4;
    }
  }

  #protocolFailure(err: RocketMQError): void {
    this.#failAll(err);
    this.#socket?.destroy();
  }

  #dispatch(cmd: RemotingCommand): void {
    if (cmd.flag & FLAG_RESPONSE) {
      const p = this.#pending.get(cmd.opaque);
      if (p === undefined) return; // late response after a timeout
      this.#pending.delete(cmd.opaque);
      clearTimeout(p.timer);
      p.resolve(cmd);
      return;
    }
    void this.#answer(cmd);
  }

  async #answer(request: RemotingCommand): Promise<void> {
    const oneway = (request.flag & FLAG_ONEWAY) !== 0;
    const handler = this.#handlers.get(request.code);
    let parts: ResponseParts | null;
    if (handler === undefined) {
      parts = {
        code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
        remark: `request code ${request.code} not supported by this client`,
      };
    } else {
      try {
        parts = await handler(request, this);
      } catch (err) {
        parts = { code: ResponseCode.SYSTEM_ERROR, remark: (err as Error).message };
      }
    }
    if (oneway || parts === null) return;
    this.#write(
      encodeCommand({
        code: parts.code,
        language: this.#opts.language,
        version: CLIENT_VERSION,
        opaque: request.opaque,
        flag: FLAG_RESPONSE,
        remark: parts.remark ?? null,
        extFields: parts.extFields ?? null,
        body: parts.body ?? null,
      }),
    );
  }

  #write(buf: Buffer, body?: Buffer): void {
    const socket = this.#socket;
    if (socket === null) return; // closed meanwhile (e.g. while a server request was being answered)
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    socket.write(buf);
    if (body !== undefined) socket.write(body);
  }

  /**
   * Sends a request and resolves with the server's response (any response code).
   * @param extFields header fields, all values strings
   * @param timeoutMs overrides the connection's default request timeout
   */
  async request(
    code: number,
    extFields: Record<string, string> | null,
    body: Buffer | null = null,
    timeoutMs: number = this.#opts.requestTimeoutMs,
  ): Promise<RemotingCommand> {
    if (this.#state !== 'open') {
      try {
        await this.connect();
      } catch (err) {
        throw withRequest(err as RocketMQError, code);
      }
    }
    return new Promise<RemotingCommand>((resolve, reject) => {
      if (this.#state !== 'open' || this.#socket === null) {
        reject(
          new ConnectionClosedError(`connection to ${this.address} closed`, {
            address: this.address,
            requestCode: code,
          }),
        );
        return;
      }
      const opaque = this.#nextOpaque();
      const timer = setTimeout(() => {
        if (this.#pending.delete(opaque)) {
          reject(
            new RequestTimeoutError(`request ${code} to ${this.address} timed out after ${timeoutMs} ms`, {
              address: this.address,
              requestCode: code,
            }),
          );
        }
      }, timeoutMs);
      this.#pending.set(opaque, { resolve, reject, timer, code });
      this.#send(code, opaque, 0, extFields, body);
    });
  }

  /** Sends a one-way request (no response expected). Rejects only if the connection cannot be opened. */
  async oneway(code: number, extFields: Record<string, string> | null, body: Buffer | null = null): Promise<void> {
    if (this.#state !== 'open') {
      try {
        await this.connect();
      } catch (err) {
        throw withRequest(err as RocketMQError, code);
      }
    }
    if (this.#socket === null) {
      throw new ConnectionClosedError(`connection to ${this.address} closed`, {
        address: this.address,
        requestCode: code,
      });
    }
    this.#send(code, this.#nextOpaque(), FLAG_ONEWAY, extFields, body);
  }

  #send(
    code: number,
    opaque: number,
    flag: number,
    extFields: Record<string, string> | null,
    body: Buffer | null,
  ): void {
    const cmd: RemotingCommand = {
      code,
      language: this.#opts.language,
      version: CLIENT_VERSION,
      opaque,
      flag,
      remark: null,
      extFields,
      body: null,
    };
    if (body !== null && body.length > 4096) {
      this.#write(encodeCommandHead(cmd, body.length), body);
    } else {
      cmd.body = body;
      this.#write(encodeCommand(cmd));
    }
  }

  #nextOpaque(): number {
    this.#opaque = this.#opaque === 0x7fffffff ? 1 : this.#opaque + 1;
    return this.#opaque;
  }

  /**
   * Closes the connection for good: pending requests reject with ClientClosedError, no reconnect.
   * Resolves once the socket is closed.
   */
  close(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#state = 'closed';
    if (this.#reconnectTimer !== null) {
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
    }
    this.#failAll(new ClientClosedError(`connection to ${this.address} closed`, { address: this.address }));
    const socket = this.#socket;
    if (socket === null) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  /** Destroys the socket as if the peer had dropped it (reconnect follows). For tests and failover. */
  dropForTesting(): void {
    this.#socket?.destroy();
  }
}

function withRequest(err: RocketMQError, code: number): RocketMQError {
  if (err.requestCode !== undefined) return err;
  const Ctor = err.constructor as new (message: string, options: object) => RocketMQError;
  return new Ctor(err.message, { cause: err.cause, address: err.address, requestCode: code });
}

/** Splits `host:port` (or `[v6]:port`). */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new InvalidArgumentError(`not a host:port address: '${address}'`);
  return { host: m[1]!, port: Number(m[2]) };
}
