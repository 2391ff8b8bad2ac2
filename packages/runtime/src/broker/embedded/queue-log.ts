import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError } from '@tributary/api';
import type { StoredMessage } from '../broker.js';
import { fsyncDir, unlinkIfExists } from './fs-utils.js';
import type { MessageContent } from './record-format.js';
import { parseSegmentFileName, type ScratchBuffer, Segment } from './segment.js';

/** Settings of one queue (broker defaults merged with its topic's overrides). */
export interface QueueLogConfig {
  readonly segmentBytes: number;
  /** -1 = no limit. */
  readonly retentionBytes: number;
  /** -1 = no limit. */
  readonly retentionMs: number;
  readonly indexIntervalBytes: number;
  /** `per-batch` fsync: messages become visible to consumers only once durable. */
  readonly perBatch: boolean;
}

/** Where a consumer's last read stopped, so the next read needs no index lookup. */
export interface ReadHint {
  readonly segment: Segment;
  readonly position: number;
}

/** Outcome of {@link QueueLog.read}. */
export interface QueueReadResult {
  readonly nextOffset: number;
  /** Valid for `nextOffset` on this queue. */
  readonly hint: ReadHint | null;
}

/**
 * One queue: an ordered log of segment files in its own directory. Appends and reads are synchronous
 * (bounded: one positional write per batch per segment, reads sized by the batch); fsync is asynchronous
 * and shared by concurrent callers (group commit).
 */
export class QueueLog {
  readonly topic: string;
  readonly queue: number;
  readonly dir: string;
  #config: QueueLogConfig;
  readonly #scratch: ScratchBuffer;
  /** Ascending base offsets; the last one is the active (appended) segment. Never empty. */
  readonly #segments: Segment[];
  #readableEnd: number;
  #waiters = new Set<() => void>();
  #unsynced = new Set<Segment>();
  #dirDirty = false;
  #inflight: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #pendingSeals = new Set<Promise<void>>();
  /** The one sealed segment whose descriptor (and index) this queue keeps open for reads. */
  #openSealed: Segment | null = null;
  #closed = false;

  private constructor(
    topic: string,
    queue: number,
    dir: string,
    config: QueueLogConfig,
    scratch: ScratchBuffer,
    segments: Segment[],
  ) {
    this.topic = topic;
    this.queue = queue;
    this.dir = dir;
    this.#config = config;
    this.#scratch = scratch;
    this.#segments = segments;
    this.#readableEnd = this.end;
  }

  /** Creates the directory and first segment of a new queue (the caller fsyncs the parent directory). */
  static create(topic: string, queue: number, dir: string, config: QueueLogConfig, scratch: ScratchBuffer): QueueLog {
    mkdirSync(dir, { recursive: true });
    const seg = Segment.create(dir, 0, config.indexIntervalBytes);
    return new QueueLog(topic, queue, dir, config, scratch, [seg]);
  }

  /**
   * Opens a queue directory and recovers it: segments with a matching index file are trusted, the others
   * are scanned and cut after their last whole, valid record. The log stays a gapless prefix: when a
   * segment before the last one is cut (an OS crash lost its unsynced tail), the segments after it are
   * dropped. Returns the queue and whether anything was cut.
   */
  static open(
    topic: string,
    queue: number,
    dir: string,
    config: QueueLogConfig,
    scratch: ScratchBuffer,
  ): { log: QueueLog; truncated: boolean } {
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir);
    const bases: number[] = [];
    for (const name of names) {
      const base = parseSegmentFileName(name);
      if (base !== null) bases.push(base);
      else if (name.endsWith('.tmp')) unlinkIfExists(join(dir, name));
    }
    for (const name of names) {
      const m = /^(\d{20})\.index$/.exec(name);
      if (m && !bases.includes(Number(m[1]))) unlinkIfExists(join(dir, name));
    }
    bases.sort((a, b) => a - b);
    if (bases.length === 0) return { log: QueueLog.create(topic, queue, dir, config, scratch), truncated: false };
    const segments: Segment[] = [];
    let truncated = false;
    for (let i = 0; i < bases.length; i++) {
      const last = i === bases.length - 1;
      const loaded = Segment.load(dir, bases[i]!, config.indexIntervalBytes, last);
      segments.push(loaded.segment);
      truncated ||= loaded.truncated;
      if (!last && (loaded.truncated || loaded.segment.nextOffset !== bases[i + 1])) {
        for (const later of bases.slice(i + 1)) {
          unlinkIfExists(join(dir, `${String(later).padStart(20, '0')}.index`));
          unlinkIfExists(join(dir, `${String(later).padStart(20, '0')}.log`));
        }
        loaded.segment.makeActive();
        truncated = true;
        break;
      }
    }
    return { log: new QueueLog(topic, queue, dir, config, scratch, segments), truncated };
  }

  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  /** Offset of the oldest retained message. */
  get start(): number {
    return this.#segments[0]!.baseOffset;
  }

  /** Offset the next appended message gets. */
  get end(): number {
    return this.#active.nextOffset;
  }

  /** Consumers read offsets below this: `end`, or with per-batch fsync, the end of what is durable. */
  get readableEnd(): number {
    return this.#readableEnd;
  }

  /** Bytes of all segments. */
  get sizeBytes(): number {
    let total = 0;
    for (const s of this.#segments) total += s.size;
    return total;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Whether written data or directory changes await an fsync. */
  get needsSync(): boolean {
    return this.#unsynced.size > 0 || this.#dirDirty;
  }

  /** Replaces the retention and segment settings (topic config change). */
  reconfigure(config: QueueLogConfig): void {
    this.#config = config;
  }

  /**
   * Appends messages with their precomputed framed sizes, rolling segments as they fill; returns the
   * offset of the first. Written, not yet fsynced: await {@link sync} for durability.
   */
  append(messages: readonly MessageContent[], sizes: readonly number[]): number {
    if (this.#closed) throw new ConnectError(`queue ${this.topic}/${this.queue} is closed`);
    const first = this.end;
    const n = messages.length;
    const limit = this.#config.segmentBytes;
    let i = 0;
    while (i < n) {
      const seg = this.#active;
      let bytes = 0;
      let j = i;
      while (j < n && (seg.size + bytes + sizes[j]! <= limit || seg.size + bytes === 0)) {
        bytes += sizes[j]!;
        j++;
      }
      if (j === i) {
        this.#roll();
        continue;
      }
      seg.append(messages, i, j, bytes, this.#scratch);
      this.#unsynced.add(seg);
      i = j;
      if (i < n) this.#roll();
    }
    if (!this.#config.perBatch) this.#advanceReadable(this.end);
    return first;
  }

  #roll(): void {
    const old = this.#active;
    const seg = Segment.create(this.dir, old.nextOffset, this.#config.indexIntervalBytes);
    this.#segments.push(seg);
    this.#dirDirty = true;
    // A failed seal only costs its index file: the segment is rescanned at the next open.
    const sealing: Promise<void> = old
      .seal()
      .catch(() => undefined)
      .finally(() => this.#pendingSeals.delete(sealing));
    this.#pendingSeals.add(sealing);
    if (this.#config.retentionBytes >= 0) this.#enforceSize();
  }

  #advanceReadable(offset: number): void {
    if (offset <= this.#readableEnd) return;
    this.#readableEnd = offset;
    this.#wakeAll();
  }

  #wakeAll(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }

  /** Calls `wake` once, when messages become readable (or the queue closes). Returns a canceller. */
  onReadable(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  /** Resolves once everything appended before the call is on disk; concurrent callers share fsyncs. */
  sync(): Promise<void> {
    if (this.#inflight === null) {
      this.#inflight = this.#doSync().finally(() => {
        this.#inflight = null;
      });
      return this.#inflight;
    }
    if (this.#queued === null) {
      const next = (): Promise<void> => {
        this.#queued = null;
        return this.sync();
      };
      this.#queued = this.#inflight.then(next, next);
    }
    return this.#queued;
  }

  async #doSync(): Promise<void> {
    const target = this.end;
    const segments = [...this.#unsynced];
    this.#unsynced.clear();
    const dir = this.#dirDirty;
    this.#dirDirty = false;
    try {
      await Promise.all([...segments.map((s) => s.datasync()), dir ? fsyncDir(this.dir) : undefined]);
    } catch (err) {
      for (const s of segments) if (!s.deleted) this.#unsynced.add(s);
      this.#dirDirty ||= dir;
      throw new ConnectError(`fsync of queue ${this.topic}/${this.queue} failed`, { cause: err });
    }
    if (this.#config.perBatch) this.#advanceReadable(target);
  }

  #segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  #useSealed(seg: Segment): void {
    if (seg.writable || this.#openSealed === seg) return;
    this.#openSealed?.release();
    this.#openSealed = seg;
  }

  /**
   * Reads up to `maxCount` readable messages from `offset` (which must be within [start, end]) into
   * `out`, within about `maxBytes` (at least one message when any is readable).
   */
  read(
    offset: number,
    hint: ReadHint | null,
    maxCount: number,
    maxBytes: number,
    out: StoredMessage[],
  ): QueueReadResult {
    const limit = this.#readableEnd;
    let idx = this.#segmentIndexFor(offset);
    let pos = hint !== null && hint.segment === this.#segments[idx] && !hint.segment.deleted ? hint.position : -1;
    let next = offset;
    let taken = 0;
    let bytes = 0;
    while (next < limit && taken < maxCount && (bytes < maxBytes || taken === 0)) {
      const seg = this.#segments[idx]!;
      if (next >= seg.nextOffset) {
        if (idx + 1 >= this.#segments.length) break;
        idx++;
        pos = 0;
        continue;
      }
      this.#useSealed(seg);
      const before = out.length;
      const r = seg.read(
        {
          offset: next,
          position: pos,
          limit,
          maxCount: maxCount - taken,
          maxBytes: Math.max(1, maxBytes - bytes),
          topic: this.topic,
          queue: this.queue,
        },
        out,
      );
      taken += out.length - before;
      bytes += r.bytes;
      const progressed = r.nextOffset > next;
      next = r.nextOffset;
      pos = r.nextPosition;
      if (!progressed) break;
    }
    const seg = this.#segments[idx]!;
    return { nextOffset: next, hint: pos >= 0 ? { segment: seg, position: pos } : null };
  }

  /** The first offset whose timestamp is ≥ `timestamp`, or `end`. */
  offsetForTimestamp(timestamp: number): number {
    for (const seg of this.#segments) {
      if (seg.maxTimestamp < timestamp) continue;
      this.#useSealed(seg);
      const found = seg.findTimestamp(timestamp);
      if (found !== null) return found;
    }
    return this.end;
  }

  /**
   * Deletes whole old segments: while the oldest one's newest message is older than `retentionMs`
   * (rolling the active segment first when it is entirely expired), and while the segments after the
   * oldest still hold `retentionBytes`. Returns the number of segments deleted.
   */
  enforceRetention(now: number): number {
    let deleted = 0;
    const { retentionMs } = this.#config;
    if (retentionMs >= 0) {
      for (;;) {
        const oldest = this.#segments[0]!;
        if (oldest.size === 0 || oldest.maxTimestamp >= now - retentionMs) break;
        if (oldest === this.#active) this.#roll();
        this.#deleteOldest();
        deleted++;
      }
    }
    if (this.#config.retentionBytes >= 0) deleted += this.#enforceSize();
    return deleted;
  }

  #enforceSize(): number {
    let deleted = 0;
    let total = this.sizeBytes;
    while (this.#segments.length > 1 && total - this.#segments[0]!.size >= this.#config.retentionBytes) {
      total -= this.#segments[0]!.size;
      this.#deleteOldest();
      deleted++;
    }
    return deleted;
  }

  #deleteOldest(): void {
    const seg = this.#segments.shift()!;
    if (this.#openSealed === seg) this.#openSealed = null;
    this.#unsynced.delete(seg);
    seg.delete();
  }

  /** Clean close: waits for pending seals, fsyncs, writes the active segment's index file, closes files. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#pendingSeals]);
    try {
      await this.sync();
    } finally {
      for (const seg of this.#segments) {
        if (seg.writable) seg.closeSync();
        else seg.release();
      }
      this.#openSealed = null;
      this.#wakeAll();
    }
  }

  /** Closes at once without fsync or index files, deleting the segment files (topic deletion). */
  abandon(): void {
    this.#closed = true;
    for (const seg of this.#segments) seg.delete();
    this.#openSealed = null;
    this.#wakeAll();
  }
}
