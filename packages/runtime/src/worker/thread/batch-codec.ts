import type { BrokerHeader, MessagePosition, OutgoingMessage, StoredMessage } from '../../broker/broker.js';

/*
 * Message batches between a task thread and the worker's main thread travel as ONE transferable
 * ArrayBuffer each (moved, not copied, by postMessage), instead of a structured clone of thousands of
 * small objects. Key, value and header values decode as views into that buffer. Little-endian:
 *
 *   batch     = kind:u8 pad:u8[3] count:u32 topicCount:u32 topic{topicCount} index:u32[count] record{count}
 *   kind      = 1 outgoing (thread → main, for Broker.send) | 2 stored (main → thread, from a poll)
 *   topic     = size:u32 utf8[size]                  each distinct topic once; records refer to it by number
 *   index[i]  = byte position of record i            random access without a scan
 *   record    = outgoing | stored
 *   outgoing  = topic:u32 queue:i32 timestamp:f64 key:bytes value:bytes headerCount:u32 header{headerCount}
 *               queue -1 = not given (the broker picks it from the key)
 *   stored    = topic:u32 queue:u32 offset:f64 timestamp:f64 size:f64 key:bytes value:bytes
 *               headerCount:u32 header{headerCount}
 *   bytes     = size:i32 data[size]                  size -1 = null
 *   header    = keySize:u32 key:utf8[keySize] value:bytes
 *
 * Offsets and timestamps are f64: exact for every integer up to 2^53. A buffer may be longer than its
 * batch (a recycled one): readers go by the head and the index, never by the buffer's length.
 *
 * Acknowledgements of a send (main → thread):
 *
 *   positions = (queue:f64 offset:f64){count}         a Float64Array, in the order of the sent messages
 */

const KIND_OUTGOING = 1;
const KIND_STORED = 2;
const HEAD_BYTES = 12;
const OUTGOING_FIXED = 4 + 4 + 8 + 4 + 4 + 4;
const STORED_FIXED = 4 + 4 + 8 + 8 + 8 + 4 + 4 + 4;

const NO_HEADERS: readonly BrokerHeader[] = Object.freeze([]);

interface Message {
  readonly topic: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly BrokerHeader[];
}

/** Interns topics and sizes the buffer: fixed part, topic table, index, variable bytes of every record. */
function layout(
  messages: readonly Message[],
  fixed: number,
): { topics: string[]; topicIds: Map<string, number>; size: number } {
  const topics: string[] = [];
  const topicIds = new Map<string, number>();
  let size = HEAD_BYTES + 4 * messages.length;
  let lastTopic = '';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.topic !== lastTopic || i === 0) {
      lastTopic = m.topic;
      if (!topicIds.has(m.topic)) {
        topicIds.set(m.topic, topics.length);
        topics.push(m.topic);
        size += 4 + Buffer.byteLength(m.topic, 'utf8');
      }
    }
    size += fixed + (m.key?.length ?? 0) + (m.value?.length ?? 0);
    const headers = m.headers;
    for (let h = 0; h < headers.length; h++) {
      size += 8 + Buffer.byteLength(headers[h]!.key, 'utf8') + (headers[h]!.value?.length ?? 0);
    }
  }
  return { topics, topicIds, size };
}

class Writer {
  readonly buf: Buffer;
  pos = 0;
  constructor(size: number, pool?: BufferPool) {
    // Not zero-filled: every byte of the batch is written, the head's padding included.
    this.buf = pool === undefined ? Buffer.allocUnsafeSlow(size) : Buffer.from(pool.take(size), 0, size);
  }
  u32(v: number): void {
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  i32(v: number): void {
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }
  f64(v: number): void {
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  bytes(b: Uint8Array | null): void {
    if (b === null) {
      this.i32(-1);
      return;
    }
    this.i32(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  text(s: string): void {
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.pos);
    this.pos += 4 + n;
  }
  headers(headers: readonly BrokerHeader[]): void {
    this.u32(headers.length);
    for (let h = 0; h < headers.length; h++) {
      this.text(headers[h]!.key);
      this.bytes(headers[h]!.value);
    }
  }
}

function writeHead(w: Writer, kind: number, count: number, topics: readonly string[]): number {
  w.buf.writeUInt32LE(kind, 0);
  w.pos = 4;
  w.u32(count);
  w.u32(topics.length);
  for (const t of topics) w.text(t);
  const indexAt = w.pos;
  w.pos += 4 * count;
  return indexAt;
}

class Reader {
  readonly buf: Buffer;
  readonly ab: ArrayBuffer;
  pos = 0;
  constructor(ab: ArrayBuffer) {
    this.ab = ab;
    this.buf = Buffer.from(ab);
  }
  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  f64(): number {
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(): Uint8Array | null {
    const n = this.i32();
    if (n < 0) return null;
    const out = new Uint8Array(this.ab, this.pos, n);
    this.pos += n;
    return out;
  }
  text(): string {
    const n = this.u32();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  headers(): readonly BrokerHeader[] {
    const count = this.u32();
    if (count === 0) return NO_HEADERS;
    const out: BrokerHeader[] = [];
    for (let h = 0; h < count; h++) {
      const key = this.text();
      out.push({ key, value: this.bytes() });
    }
    return out;
  }
}

function readHead(r: Reader, kind: number): { count: number; topics: string[] } {
  if (r.buf[0] !== kind) throw new Error(`packed batch of kind ${r.buf[0]}, expected ${kind}`);
  r.pos = 4;
  const count = r.u32();
  const topicCount = r.u32();
  const topics: string[] = [];
  for (let i = 0; i < topicCount; i++) topics.push(r.text());
  return { count, topics };
}

/**
 * Batch buffers that came back from the main thread, for the next batches: a task thread then allocates
 * (and both threads collect) a buffer only when a batch outgrows the ones it has.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** A buffer of at least `size` bytes: a returned one, or a new one with room to grow. */
  take(size: number): ArrayBuffer {
    const i = this.#free.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.#free.splice(i, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.ceil((size * 1.25) / 65536) * 65536).buffer as ArrayBuffer;
  }

  /** Keeps a buffer for reuse (the smallest is dropped when the pool is full). */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return;
    this.#free.push(buffer);
    if (this.#free.length > this.#max) {
      this.#free.sort((a, b) => b.byteLength - a.byteLength);
      this.#free.pop();
    }
  }
}

/** Packs messages to send into one transferable buffer (from `pool` when given). */
export function encodeOutgoing(messages: readonly OutgoingMessage[], pool?: BufferPool): ArrayBuffer {
  const { topics, topicIds, size } = layout(messages, OUTGOING_FIXED);
  const w = new Writer(size, pool);
  let indexAt = writeHead(w, KIND_OUTGOING, messages.length, topics);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    w.buf.writeUInt32LE(w.pos, indexAt);
    indexAt += 4;
    w.u32(topicIds.get(m.topic)!);
    w.i32(m.queue === undefined || m.queue === null ? -1 : m.queue);
    w.f64(m.timestamp);
    w.bytes(m.key);
    w.bytes(m.value);
    w.headers(m.headers);
  }
  return w.buf.buffer as ArrayBuffer;
}

/** Unpacks {@link encodeOutgoing}'s buffer; byte fields are views into it. */
export function decodeOutgoing(ab: ArrayBuffer): OutgoingMessage[] {
  const r = new Reader(ab);
  const { count, topics } = readHead(r, KIND_OUTGOING);
  r.pos += 4 * count;
  const out = new Array<OutgoingMessage>(count);
  for (let i = 0; i < count; i++) {
    const topic = topics[r.u32()]!;
    const queue = r.i32();
    const timestamp = r.f64();
    const key = r.bytes();
    const value = r.bytes();
    const headers = r.headers();
    out[i] = queue < 0 ? { topic, key, value, headers, timestamp } : { topic, queue, key, value, headers, timestamp };
  }
  return out;
}

/** Packs polled messages into one transferable buffer. */
export function encodeStored(messages: readonly StoredMessage[]): ArrayBuffer {
  const { topics, topicIds, size } = layout(messages, STORED_FIXED);
  const w = new Writer(size);
  let indexAt = writeHead(w, KIND_STORED, messages.length, topics);
  let lastTopic = '';
  let lastId = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    w.buf.writeUInt32LE(w.pos, indexAt);
    indexAt += 4;
    if (m.topic !== lastTopic || i === 0) {
      lastTopic = m.topic;
      lastId = topicIds.get(m.topic)!;
    }
    w.u32(lastId);
    w.u32(m.queue);
    w.f64(m.offset);
    w.f64(m.timestamp);
    w.f64(m.size);
    w.bytes(m.key);
    w.bytes(m.value);
    w.headers(m.headers);
  }
  return w.buf.buffer as ArrayBuffer;
}

/** Unpacks {@link encodeStored}'s buffer; byte fields are views into it. */
export function decodeStored(ab: ArrayBuffer): StoredMessage[] {
  const r = new Reader(ab);
  const { count, topics } = readHead(r, KIND_STORED);
  r.pos += 4 * count;
  const out = new Array<StoredMessage>(count);
  for (let i = 0; i < count; i++) {
    const topic = topics[r.u32()]!;
    const queue = r.u32();
    const offset = r.f64();
    const timestamp = r.f64();
    const size = r.f64();
    const key = r.bytes();
    const value = r.bytes();
    const headers = r.headers();
    out[i] = { topic, queue, offset, key, value, headers, timestamp, size };
  }
  return out;
}

/** Number of records in a packed batch of either kind, from its head. */
export function packedCount(ab: ArrayBuffer): number {
  return new DataView(ab).getUint32(4, true);
}

/** Packs the positions of a send (queue, offset per message, in order). */
export function encodePositions(positions: readonly MessagePosition[]): ArrayBuffer {
  const out = new Float64Array(positions.length * 2);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    out[2 * i] = p.queue;
    out[2 * i + 1] = p.offset;
  }
  return out.buffer;
}

/** Unpacks {@link encodePositions}, taking each position's topic from the message sent. */
export function decodePositions(ab: ArrayBuffer, sent: readonly { readonly topic: string }[]): MessagePosition[] {
  const values = new Float64Array(ab);
  const out = new Array<MessagePosition>(values.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = { topic: sent[i]!.topic, queue: values[2 * i]!, offset: values[2 * i + 1]! };
  return out;
}
