import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConnectError, DataError } from '@tributary/api';
import type { QueuePosition, TopicQueueRef } from '../broker.js';
import { checkFrame, FRAME_HEADER_BYTES, readU64, sealFrame, writeU64 } from './framing.js';
import { fsyncDirSync, unlinkIfExists } from './fs-utils.js';

/*
 * Committed offsets of consumer groups: an append-only log `groups/offsets.log` of framed operations
 * (framing.ts: length:u32 crc:u32 body), replayed into memory at open. Little-endian:
 *
 *   body     = version:u8 op
 *   op       = 0x01 group:str count:u32 (topic:str queue:u32 offset:u64){count}     commit
 *            | 0x02 group:str count:u32 (topic:str queue:u32){count}                forget queues;
 *                                                                                    count 0 = the whole group
 *            | 0x03 topic:str                                                       forget a deleted topic
 *   str      = size:u16 utf8[size]
 *   version  = 1
 *
 * One commit is one frame, so after a crash a commit is either entirely present or cut off with the
 * torn tail: a group's offset is the old or the new value, never a mix. When the log outgrows its live
 * content it is compacted: the live offsets are written as commits to `offsets.log.tmp`, fsynced, and
 * renamed over the log (then the directory is fsynced).
 */

const VERSION = 1;
const OP_COMMIT = 1;
const OP_DELETE = 2;
const OP_DELETE_TOPIC = 3;
const MIN_BODY = 2;
const MAX_BODY = 256 * 1024 * 1024;
const COMPACT_MIN_BYTES = 1024 * 1024;

type Offsets = Map<string, Map<string, Map<number, number>>>;

class Writer {
  buf: Buffer;
  pos = FRAME_HEADER_BYTES;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    this.buf.writeUInt32LE(v, this.pos);
    this.pos += 4;
  }
  u64(v: number): void {
    writeU64(this.buf, v, this.pos);
    this.pos += 8;
  }
  str(s: string): void {
    const n = this.buf.write(s, this.pos + 2, 'utf8');
    this.buf.writeUInt16LE(n, this.pos);
    this.pos += 2 + n;
  }
  /** Seals the frame and returns its bytes. */
  frame(): Buffer {
    sealFrame(this.buf, 0, this.pos - FRAME_HEADER_BYTES);
    return this.buf.subarray(0, this.pos);
  }
}

function strBytes(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 0xffff) throw new DataError(`name longer than 65535 bytes: ${s.slice(0, 40)}...`);
  return 2 + n;
}

function encodeCommit(group: string, entries: readonly QueuePosition[]): Buffer {
  let size = FRAME_HEADER_BYTES + 2 + strBytes(group) + 4;
  for (const e of entries) size += strBytes(e.topic) + 12;
  const w = new Writer(size);
  w.u8(VERSION);
  w.u8(OP_COMMIT);
  w.str(group);
  w.u32(entries.length);
  for (const e of entries) {
    w.str(e.topic);
    w.u32(e.queue);
    w.u64(e.offset);
  }
  return w.frame();
}

function encodeDelete(group: string, refs: readonly TopicQueueRef[]): Buffer {
  let size = FRAME_HEADER_BYTES + 2 + strBytes(group) + 4;
  for (const r of refs) size += strBytes(r.topic) + 4;
  const w = new Writer(size);
  w.u8(VERSION);
  w.u8(OP_DELETE);
  w.str(group);
  w.u32(refs.length);
  for (const r of refs) {
    w.str(r.topic);
    w.u32(r.queue);
  }
  return w.frame();
}

function encodeDeleteTopic(topic: string): Buffer {
  const w = new Writer(FRAME_HEADER_BYTES + 2 + strBytes(topic));
  w.u8(VERSION);
  w.u8(OP_DELETE_TOPIC);
  w.str(topic);
  return w.frame();
}

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated body');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = readU64(this.buf, this.pos);
    this.pos += 8;
    return v;
  }
  str(): string {
    this.need(2);
    const n = this.buf.readUInt16LE(this.pos);
    this.need(2 + n);
    const s = this.buf.toString('utf8', this.pos + 2, this.pos + 2 + n);
    this.pos += 2 + n;
    return s;
  }
}

/** Applies one operation body to `offsets`; throws on a malformed body. */
function apply(offsets: Offsets, buf: Buffer, start: number, end: number): void {
  const r = new Reader(buf, start, end);
  if (r.u8() !== VERSION) throw new Error('unknown version');
  const op = r.u8();
  if (op === OP_DELETE_TOPIC) {
    const topic = r.str();
    for (const [group, topics] of offsets) {
      topics.delete(topic);
      if (topics.size === 0) offsets.delete(group);
    }
    return;
  }
  if (op !== OP_COMMIT && op !== OP_DELETE) throw new Error(`unknown operation ${op}`);
  const group = r.str();
  const count = r.u32();
  if (op === OP_DELETE && count === 0) {
    offsets.delete(group);
    return;
  }
  let topics = offsets.get(group);
  for (let i = 0; i < count; i++) {
    const topic = r.str();
    const queue = r.u32();
    if (op === OP_COMMIT) {
      const offset = r.u64();
      if (topics === undefined) {
        topics = new Map();
        offsets.set(group, topics);
      }
      let queues = topics.get(topic);
      if (queues === undefined) {
        queues = new Map();
        topics.set(topic, queues);
      }
      queues.set(queue, offset);
    } else {
      const queues = topics?.get(topic);
      queues?.delete(queue);
      if (queues?.size === 0) topics?.delete(topic);
    }
  }
  if (topics?.size === 0) offsets.delete(group);
}

/**
 * The group-offset store. Every mutation is one appended frame; with `perBatch`, the returned promise
 * resolves after fdatasync, otherwise after the write (the broker's timer calls {@link sync}). Mutations
 * are serialised (they are rare next to messages); readers see a mutation once it is durable per policy.
 */
export class GroupOffsetStore {
  readonly #dir: string;
  readonly #path: string;
  readonly #perBatch: boolean;
  readonly #offsets: Offsets;
  #fd: number;
  #size: number;
  #liveBytes: number;
  #dirty = false;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(dir: string, perBatch: boolean, fd: number, size: number, offsets: Offsets) {
    this.#dir = dir;
    this.#path = join(dir, 'offsets.log');
    this.#perBatch = perBatch;
    this.#fd = fd;
    this.#size = size;
    this.#liveBytes = size;
    this.#offsets = offsets;
  }

  /** Opens (creating) the store in `dir`, replaying the log and cutting a torn or corrupt tail. */
  static open(dir: string, perBatch: boolean): { store: GroupOffsetStore; truncated: boolean } {
    const path = join(dir, 'offsets.log');
    unlinkIfExists(`${path}.tmp`);
    const fd = openSync(path, 'a+');
    let closeFd = true;
    try {
      const fileSize = fstatSync(fd).size;
      const buf = Buffer.allocUnsafe(fileSize);
      let n = 0;
      while (n < fileSize) {
        const got = readSync(fd, buf, n, fileSize - n, n);
        if (got === 0) break;
        n += got;
      }
      const offsets: Offsets = new Map();
      let pos = 0;
      while (pos < n) {
        const length = checkFrame(buf, pos, n, MIN_BODY, MAX_BODY);
        if (length < 0) break;
        const scratch: Offsets = new Map();
        try {
          // Validate on a scratch map first so a malformed body changes nothing.
          apply(scratch, buf, pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + length);
        } catch {
          break;
        }
        apply(offsets, buf, pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + length);
        pos += FRAME_HEADER_BYTES + length;
      }
      const truncated = pos < fileSize;
      if (truncated) {
        ftruncateSync(fd, pos);
        fdatasyncSync(fd);
      }
      closeFd = false;
      closeSync(fd);
      if (fileSize === 0) fsyncDirSync(dir);
      const wfd = openSync(path, 'r+');
      return { store: new GroupOffsetStore(dir, perBatch, wfd, pos, offsets), truncated };
    } finally {
      if (closeFd) closeSync(fd);
    }
  }

  /** Committed offsets of a group (all its queues when `refs` is omitted). */
  fetch(group: string, refs?: readonly TopicQueueRef[]): QueuePosition[] {
    const topics = this.#offsets.get(group);
    if (topics === undefined) return [];
    const out: QueuePosition[] = [];
    if (refs === undefined) {
      for (const [topic, queues] of topics) for (const [queue, offset] of queues) out.push({ topic, queue, offset });
      out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.queue - b.queue));
      return out;
    }
    for (const { topic, queue } of refs) {
      const offset = topics.get(topic)?.get(queue);
      if (offset !== undefined) out.push({ topic, queue, offset });
    }
    return out;
  }

  commit(group: string, entries: readonly QueuePosition[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.#mutate(encodeCommit(group, entries));
  }

  delete(group: string, refs?: readonly TopicQueueRef[]): Promise<void> {
    if (refs !== undefined && refs.length === 0) return Promise.resolve();
    return this.#mutate(encodeDelete(group, refs ?? []));
  }

  deleteTopic(topic: string): Promise<void> {
    return this.#mutate(encodeDeleteTopic(topic));
  }

  #mutate(frame: Buffer): Promise<void> {
    if (this.#closed) return Promise.reject(new ConnectError('group offset store is closed'));
    const run = async (): Promise<void> => {
      let done = 0;
      try {
        while (done < frame.length) done += writeSync(this.#fd, frame, done, frame.length - done, this.#size + done);
      } catch (err) {
        ftruncateSync(this.#fd, this.#size);
        throw new ConnectError('writing group offsets failed', { cause: err });
      }
      this.#size += frame.length;
      if (this.#perBatch) await this.#datasync();
      else {
        this.#dirty = true;
        // No I/O to wait for: yield a turn so a committing loop cannot starve timers and I/O.
        await new Promise((resolve) => setImmediate(resolve));
      }
      apply(this.#offsets, frame, FRAME_HEADER_BYTES, frame.length);
      if (this.#size > Math.max(COMPACT_MIN_BYTES, 4 * this.#liveBytes)) this.#compact();
    };
    const result = this.#chain.then(run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  #datasync(): Promise<void> {
    const fd = this.#fd;
    return new Promise((resolve, reject) =>
      fdatasync(fd, (err) =>
        err ? reject(new ConnectError('fsync of group offsets failed', { cause: err })) : resolve(),
      ),
    );
  }

  /** Rewrites the log with only live offsets (synchronous: small, rare, and must not interleave with appends). */
  #compact(): void {
    const frames: Buffer[] = [];
    for (const group of this.#offsets.keys()) frames.push(encodeCommit(group, this.fetch(group)));
    const data = Buffer.concat(frames);
    const tmp = `${this.#path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
      fdatasyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkIfExists(tmp);
      throw new ConnectError('compacting group offsets failed', { cause: err });
    }
    closeSync(fd);
    renameSync(tmp, this.#path);
    fsyncDirSync(this.#dir);
    closeSync(this.#fd);
    this.#fd = openSync(this.#path, 'r+');
    this.#size = data.length;
    this.#liveBytes = data.length;
    this.#dirty = false;
  }

  /** With interval fsync: makes every mutation so far durable. */
  sync(): Promise<void> {
    const run = async (): Promise<void> => {
      if (!this.#dirty) return;
      this.#dirty = false;
      await this.#datasync();
    };
    const result = this.#chain.then(run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  get needsSync(): boolean {
    return this.#dirty;
  }

  /** Bytes of the log file (tests). */
  get logBytes(): number {
    return this.#size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#chain;
    if (this.#dirty) fdatasyncSync(this.#fd);
    closeSync(this.#fd);
  }
}
