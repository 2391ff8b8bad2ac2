import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ConnectError } from '@tributary/api';
import type { StoredMessage } from '../broker.js';
import { checkFrame, FRAME_CORRUPT, FRAME_HEADER_BYTES, FRAME_INCOMPLETE } from './framing.js';
import { unlinkIfExists } from './fs-utils.js';
import { decodeIndexFooter, INDEX_FOOTER_BYTES, type IndexFooter, SparseIndex } from './offset-index.js';
import {
  decodeRecord,
  encodeRecord,
  type MessageContent,
  RECORD_MAGIC,
  RECORD_MIN_BODY,
  recordMagic,
  recordOffset,
  recordTimestamp,
} from './record-format.js';

/*
 * A segment is one file `<baseOffset:20 digits>.log` of a queue directory: frames of record-format.ts
 * back to back, offsets baseOffset, baseOffset+1, ... with no gap. Only the last segment of a queue is
 * appended to. See offset-index.ts for `<baseOffset>.index`.
 */

const SCAN_CHUNK = 4 * 1024 * 1024;
const MIN_READ = 16 * 1024;
const MAX_READ = 4 * 1024 * 1024;

/** Reuses one encode buffer across sends (writes are synchronous); never keeps more than 4 MiB. */
export class ScratchBuffer {
  #buf = Buffer.allocUnsafeSlow(256 * 1024);

  get(size: number): Buffer {
    if (size <= this.#buf.length) return this.#buf;
    if (size > MAX_READ) return Buffer.allocUnsafeSlow(size);
    this.#buf = Buffer.allocUnsafeSlow(Math.min(MAX_READ, 2 ** Math.ceil(Math.log2(size))));
    return this.#buf;
  }
}

/** The file name of a segment. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

/** The base offset of a segment file name, or null when the name is not one. */
export function parseSegmentFileName(name: string): number | null {
  const m = /^(\d{20})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The last `bytes` bytes of a file (fewer when it is shorter) and the file's size. */
function readTail(path: string, bytes: number): { tail: Buffer; fileBytes: number } {
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    const n = Math.min(bytes, fileBytes);
    const tail = Buffer.allocUnsafe(n);
    readFully(fd, tail, 0, n, fileBytes - n);
    return { tail, fileBytes };
  } finally {
    closeSync(fd);
  }
}

function writeFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buf, done, length - done, position + done);
}

/** What a sequential scan of a segment found. */
interface ScanResult {
  /** Bytes of whole, valid, consecutive records from the start. */
  readonly validBytes: number;
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly index: SparseIndex;
}

/**
 * Reads a segment from the start and stops at the first frame that is torn (runs past the end of the
 * file), corrupt (bad length or checksum), of an unknown version, or out of sequence. Large frames are
 * checksummed piecewise, so no buffer larger than 4 MiB is needed.
 */
function scanSegment(fd: number, fileSize: number, baseOffset: number, indexIntervalBytes: number): ScanResult {
  const buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(4096, fileSize)));
  const index = new SparseIndex();
  let chunkStart = 0;
  let n = 0;
  let pos = 0;
  let expected = baseOffset;
  let maxTs = Number.NEGATIVE_INFINITY;
  const refill = (): void => {
    chunkStart = pos;
    n = readFully(fd, buf, 0, Math.min(buf.length, fileSize - pos), pos);
  };
  while (pos < fileSize) {
    if (n - (pos - chunkStart) < FRAME_HEADER_BYTES + RECORD_MIN_BODY) refill();
    let p = pos - chunkStart;
    if (n - p < FRAME_HEADER_BYTES) break;
    const length = buf.readUInt32LE(p);
    const frameEnd = pos + FRAME_HEADER_BYTES + length;
    if (length < RECORD_MIN_BODY || frameEnd > fileSize) break;
    let timestamp: number;
    if (FRAME_HEADER_BYTES + length <= buf.length) {
      if (n - p < FRAME_HEADER_BYTES + length) {
        refill();
        p = 0;
      }
      if (checkFrame(buf, p, n, RECORD_MIN_BODY, length) !== length) break;
      if (recordMagic(buf, p) !== RECORD_MAGIC || recordOffset(buf, p) !== expected) break;
      timestamp = recordTimestamp(buf, p);
    } else {
      if (n - p < FRAME_HEADER_BYTES + RECORD_MIN_BODY) break;
      if (recordMagic(buf, p) !== RECORD_MAGIC || recordOffset(buf, p) !== expected) break;
      timestamp = recordTimestamp(buf, p);
      const wantCrc = buf.readUInt32LE(p + 4);
      let crc = 0;
      for (let at = pos + FRAME_HEADER_BYTES; at < frameEnd; ) {
        const got = readFully(fd, buf, 0, Math.min(buf.length, frameEnd - at), at);
        if (got === 0) break;
        crc = crc32(buf.subarray(0, got), crc);
        at += got;
      }
      n = 0;
      chunkStart = frameEnd;
      if (crc !== wantCrc) break;
    }
    if (index.count === 0 || pos - index.lastPosition >= indexIntervalBytes)
      index.add(expected - baseOffset, pos, maxTs);
    if (timestamp > maxTs) maxTs = timestamp;
    expected++;
    pos = frameEnd;
  }
  return { validBytes: pos, nextOffset: expected, maxTimestamp: maxTs, index };
}

/** Where to stop reading a segment. */
export interface SegmentReadRequest {
  /** First offset wanted. */
  readonly offset: number;
  /** Byte position of `offset` if known (a consumer's last read ended there), else -1. */
  readonly position: number;
  /** Exclusive: messages at or after this offset are not returned (not yet visible). */
  readonly limit: number;
  readonly maxCount: number;
  /** Byte budget; the first message is returned even when larger. */
  readonly maxBytes: number;
  readonly topic: string;
  readonly queue: number;
}

/** Where a read stopped. */
export interface SegmentReadResult {
  readonly nextOffset: number;
  /** Byte position of `nextOffset` in this segment. */
  readonly nextPosition: number;
  readonly bytes: number;
}

/** Outcome of loading a segment file at open. */
export interface LoadedSegment {
  readonly segment: Segment;
  /** True when a torn or corrupt tail was cut off. */
  readonly truncated: boolean;
}

/** One segment file. Synchronous reads and writes; fsync is asynchronous. */
export class Segment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly indexPath: string;
  /** Bytes of whole records. */
  size: number;
  nextOffset: number;
  /** Largest message timestamp (-Infinity when empty). */
  maxTimestamp: number;
  #fd = -1;
  #writable = false;
  #index: SparseIndex | null;
  #footer: IndexFooter | null;
  #busy = 0;
  #deleted = false;
  #releaseWanted = false;
  readonly #indexIntervalBytes: number;

  private constructor(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    state: { size: number; nextOffset: number; maxTimestamp: number },
    index: SparseIndex | null,
    footer: IndexFooter | null,
  ) {
    this.baseOffset = baseOffset;
    this.logPath = join(dir, segmentFileName(baseOffset));
    this.indexPath = this.logPath.replace(/\.log$/, '.index');
    this.size = state.size;
    this.nextOffset = state.nextOffset;
    this.maxTimestamp = state.maxTimestamp;
    this.#indexIntervalBytes = indexIntervalBytes;
    this.#index = index;
    this.#footer = footer;
  }

  /** Creates a new, empty segment file open for appends. */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number): Segment {
    const seg = new Segment(
      dir,
      baseOffset,
      indexIntervalBytes,
      { size: 0, nextOffset: baseOffset, maxTimestamp: Number.NEGATIVE_INFINITY },
      new SparseIndex(),
      null,
    );
    unlinkIfExists(seg.indexPath);
    seg.#fd = openSync(seg.logPath, 'wx+');
    seg.#writable = true;
    return seg;
  }

  /**
   * Opens an existing segment file. A segment whose index file matches it is not read (fast open);
   * otherwise it is scanned, and a torn or corrupt tail is cut off (the file is truncated and fsynced).
   * With `forAppend`, the segment becomes the queue's active one: its index is held in memory and its
   * index file deleted, so that a crash from now on forces a scan.
   */
  static load(dir: string, baseOffset: number, indexIntervalBytes: number, forAppend: boolean): LoadedSegment {
    const logPath = join(dir, segmentFileName(baseOffset));
    const fileSize = statSync(logPath).size;
    const indexPath = logPath.replace(/\.log$/, '.index');
    let footer: IndexFooter | null = null;
    let index: SparseIndex | null = null;
    try {
      // A sealed segment needs only the footer now; the entries are read when a reader needs them.
      const whole = forAppend ? readFileSync(indexPath) : null;
      const { tail, fileBytes } = whole
        ? { tail: whole.subarray(Math.max(0, whole.length - INDEX_FOOTER_BYTES)), fileBytes: whole.length }
        : readTail(indexPath, INDEX_FOOTER_BYTES);
      const f = decodeIndexFooter(tail, fileBytes);
      if (f !== null && f.segmentBytes === fileSize && f.nextOffset >= baseOffset) {
        footer = f;
        if (whole !== null) index = SparseIndex.decodeEntries(whole, f);
        if (forAppend && index === null) footer = null;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (footer !== null) {
      const seg = new Segment(
        dir,
        baseOffset,
        indexIntervalBytes,
        { size: fileSize, nextOffset: footer.nextOffset, maxTimestamp: footer.maxTimestamp },
        index,
        forAppend ? null : footer,
      );
      if (forAppend) seg.#openForAppend();
      return { segment: seg, truncated: false };
    }
    const fd = openSync(logPath, 'r+');
    let scan: ScanResult;
    try {
      scan = scanSegment(fd, fileSize, baseOffset, indexIntervalBytes);
      if (scan.validBytes < fileSize) {
        ftruncateSync(fd, scan.validBytes);
        fdatasyncSync(fd);
      }
    } finally {
      closeSync(fd);
    }
    const seg = new Segment(
      dir,
      baseOffset,
      indexIntervalBytes,
      { size: scan.validBytes, nextOffset: scan.nextOffset, maxTimestamp: scan.maxTimestamp },
      scan.index,
      null,
    );
    if (forAppend) seg.#openForAppend();
    else {
      seg.writeIndexSync();
      seg.release();
    }
    return { segment: seg, truncated: scan.validBytes < fileSize };
  }

  /** Turns a loaded sealed segment into the active one (recovery dropped the segments after it). */
  makeActive(): void {
    this.#ensureIndex();
    this.#footer = null;
    if (this.#fd >= 0) {
      closeSync(this.#fd);
      this.#fd = -1;
    }
    this.#openForAppend();
  }

  #openForAppend(): void {
    unlinkIfExists(this.indexPath);
    this.#fd = openSync(this.logPath, 'r+');
    this.#writable = true;
  }

  /** Whether this segment is the one appended to. */
  get writable(): boolean {
    return this.#writable;
  }

  #ensureFd(): number {
    if (this.#fd < 0) {
      if (this.#deleted) throw new ConnectError(`segment ${this.logPath} was deleted`);
      this.#fd = openSync(this.logPath, 'r');
    }
    return this.#fd;
  }

  #ensureIndex(): SparseIndex {
    if (this.#index !== null) return this.#index;
    if (this.#footer !== null) {
      try {
        this.#index = SparseIndex.decodeEntries(readFileSync(this.indexPath), this.#footer);
      } catch {
        this.#index = null;
      }
    }
    if (this.#index === null) {
      const scan = scanSegment(this.#ensureFd(), this.size, this.baseOffset, this.#indexIntervalBytes);
      if (scan.validBytes !== this.size || scan.nextOffset !== this.nextOffset) {
        throw new ConnectError(`segment ${this.logPath} is corrupt at byte ${scan.validBytes}`);
      }
      this.#index = scan.index;
      this.writeIndexSync();
    }
    return this.#index;
  }

  /**
   * Appends `messages[from..to)` (whose framed sizes sum to `bytes`) with consecutive offsets, in one
   * positional write. On a write error the file is cut back and nothing is recorded.
   */
  append(messages: readonly MessageContent[], from: number, to: number, bytes: number, scratch: ScratchBuffer): void {
    if (!this.#writable) throw new ConnectError(`segment ${this.logPath} is sealed`);
    const index = this.#index!;
    const buf = scratch.get(bytes);
    let p = 0;
    let offset = this.nextOffset;
    let maxTs = this.maxTimestamp;
    let lastEntry = index.count === 0 ? Number.NEGATIVE_INFINITY : index.lastPosition;
    let entries: number[] | null = null;
    for (let i = from; i < to; i++) {
      const m = messages[i]!;
      const filePos = this.size + p;
      if (filePos - lastEntry >= this.#indexIntervalBytes) {
        entries ??= [];
        entries.push(offset - this.baseOffset, filePos, maxTs);
        lastEntry = filePos;
      }
      p = encodeRecord(buf, p, offset, m);
      offset++;
      if (m.timestamp > maxTs) maxTs = m.timestamp;
    }
    try {
      writeFully(this.#fd, buf, p, this.size);
    } catch (err) {
      try {
        ftruncateSync(this.#fd, this.size);
      } catch {
        // the write error is the one to report
      }
      throw err;
    }
    if (entries !== null)
      for (let i = 0; i < entries.length; i += 3) index.add(entries[i]!, entries[i + 1]!, entries[i + 2]!);
    this.size += p;
    this.nextOffset = offset;
    this.maxTimestamp = maxTs;
  }

  /** fdatasync; resolves when everything written before the call is on disk. */
  async datasync(): Promise<void> {
    if (this.#fd < 0) return;
    this.#busy++;
    try {
      await new Promise<void>((resolve, reject) => fdatasync(this.#fd, (err) => (err ? reject(err) : resolve())));
    } finally {
      this.#busy--;
      if (this.#busy === 0 && this.#releaseWanted) this.release();
    }
  }

  /** True once the files were deleted (retention); readers holding it must look the offset up again. */
  get deleted(): boolean {
    return this.#deleted;
  }

  /**
   * Reads messages from `req.offset` on, appending them to `out`. The read buffer is sized from the
   * segment's average message size and the wanted count; messages are views into it.
   */
  read(req: SegmentReadRequest, out: StoredMessage[]): SegmentReadResult {
    const fd = this.#ensureFd();
    const count = this.nextOffset - this.baseOffset;
    const avg = count > 0 ? this.size / count : 1024;
    let pos = req.position;
    if (pos < 0) {
      const index = this.#ensureIndex();
      const e = index.floorByOffset(req.offset - this.baseOffset);
      pos = e < 0 ? 0 : index.position(e);
    }
    let next = req.offset;
    let bytes = 0;
    let taken = 0;
    const limit = Math.min(req.limit, this.nextOffset);
    while (pos < this.size && next < limit && taken < req.maxCount && (bytes < req.maxBytes || taken === 0)) {
      const want = Math.ceil((Math.min(req.maxCount - taken, limit - next) + 1) * avg * 1.1) + MIN_READ;
      const size = Math.min(
        this.size - pos,
        MAX_READ,
        Math.max(MIN_READ, want),
        Math.max(MIN_READ, req.maxBytes - bytes),
      );
      let buf = Buffer.allocUnsafe(size);
      let n = readFully(fd, buf, 0, size, pos);
      let p = 0;
      while (p < n) {
        let length = checkFrame(buf, p, n, RECORD_MIN_BODY, this.size);
        if (length === FRAME_INCOMPLETE) {
          if (p > 0) break;
          // One record larger than the buffer: read exactly it.
          if (n < FRAME_HEADER_BYTES) throw this.#corrupt(pos);
          const frame = FRAME_HEADER_BYTES + buf.readUInt32LE(0);
          if (pos + frame > this.size) throw this.#corrupt(pos);
          buf = Buffer.allocUnsafe(frame);
          n = readFully(fd, buf, 0, frame, pos);
          length = checkFrame(buf, 0, n, RECORD_MIN_BODY, this.size);
        }
        if (length < 0) throw this.#corrupt(pos + p);
        const frameBytes = FRAME_HEADER_BYTES + length;
        const offset = recordOffset(buf, p);
        if (offset >= limit) break;
        if (offset >= next) {
          if (taken > 0 && bytes + frameBytes > req.maxBytes) break;
          out.push(decodeRecord(buf, p, length, req.topic, req.queue));
          taken++;
          bytes += frameBytes;
          next = offset + 1;
        }
        p += frameBytes;
        if (taken >= req.maxCount || next >= limit) break;
      }
      if (p === 0) break;
      pos += p;
    }
    return { nextOffset: next, nextPosition: pos, bytes };
  }

  #corrupt(position: number): ConnectError {
    return new ConnectError(`segment ${this.logPath} is corrupt at byte ${position}`);
  }

  /** The first offset in this segment whose timestamp is ≥ `timestamp`; null when none is. */
  findTimestamp(timestamp: number): number | null {
    if (this.maxTimestamp < timestamp) return null;
    const fd = this.#ensureFd();
    const index = this.#ensureIndex();
    const e = index.floorByTimestamp(timestamp);
    let pos = e < 0 ? 0 : index.position(e);
    while (pos < this.size) {
      const buf = Buffer.allocUnsafe(Math.min(this.size - pos, MAX_READ));
      const n = readFully(fd, buf, 0, buf.length, pos);
      let p = 0;
      while (p < n) {
        let length = checkFrame(buf, p, n, RECORD_MIN_BODY, this.size);
        if (length === FRAME_INCOMPLETE && p > 0) break;
        if (length === FRAME_INCOMPLETE) {
          // A record larger than 4 MiB: its header suffices here.
          length = buf.readUInt32LE(0);
        }
        if (length === FRAME_CORRUPT) throw this.#corrupt(pos + p);
        if (recordTimestamp(buf, p) >= timestamp) return recordOffset(buf, p);
        p += FRAME_HEADER_BYTES + length;
      }
      pos += p;
    }
    return null;
  }

  /** Writes the index file describing the segment as it is now (not fsynced: an invalid one is rebuilt). */
  writeIndexSync(): void {
    const index = this.#index;
    if (index === null) return;
    const data = index.encodeFile(this.size, this.nextOffset, this.maxTimestamp);
    const fd = openSync(this.indexPath, 'w');
    try {
      writeFully(fd, data, data.length, 0);
    } finally {
      closeSync(fd);
    }
    this.#footer = decodeIndexFooter(data.subarray(data.length - INDEX_FOOTER_BYTES), data.length);
  }

  /**
   * Stops appends (the queue rolled to a new segment): fsyncs the file, then writes its index file.
   * Memory and the file descriptor are released once idle.
   */
  async seal(): Promise<void> {
    this.#writable = false;
    if (this.#deleted) return;
    await this.datasync();
    // Synchronous from the check on, so a segment deleted meanwhile (retention, topic deletion) never
    // gets an index file written into a directory that may already belong to someone else.
    if (this.#deleted) return;
    this.writeIndexSync();
    this.release();
  }

  /** Drops the in-memory index and closes the descriptor of a sealed segment (reopened lazily by reads). */
  release(): void {
    if (this.#writable) return;
    if (this.#busy > 0) {
      this.#releaseWanted = true;
      return;
    }
    this.#releaseWanted = false;
    if (this.#footer !== null) this.#index = null;
    if (this.#fd >= 0) {
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }

  /** Clean close of the active segment: fsync, write the index file, close. */
  closeSync(): void {
    if (this.#fd >= 0 && this.#writable) {
      fdatasyncSync(this.#fd);
      this.writeIndexSync();
    }
    this.#writable = false;
    if (this.#fd >= 0 && this.#busy === 0) {
      closeSync(this.#fd);
      this.#fd = -1;
    } else this.#releaseWanted = true;
  }

  /** Deletes the files (index first: a log without index is just rescanned). */
  delete(): void {
    this.#deleted = true;
    this.#writable = false;
    unlinkIfExists(this.indexPath);
    unlinkIfExists(this.logPath);
    this.#index = null;
    this.#footer = null;
    if (this.#fd >= 0 && this.#busy === 0) {
      closeSync(this.#fd);
      this.#fd = -1;
    } else this.#releaseWanted = true;
  }

  /** Current file size on disk (tests and diagnostics). */
  fileSize(): number {
    return this.#fd >= 0 ? fstatSync(this.#fd).size : statSync(this.logPath).size;
  }
}
