import { crc32 } from 'node:zlib';

/*
 * The sparse index of one segment, `<baseOffset>.index` beside `<baseOffset>.log` (little-endian):
 *
 *   index   = entry{entryCount} footer
 *   entry   = relativeOffset:u32 position:u32 maxTimestampBefore:f64          16 bytes
 *   footer  = magic:u32 entryCount:u32 segmentBytes:f64 nextOffset:f64 maxTimestamp:f64
 *             entriesCrc:u32 footerCrc:u32                                    40 bytes
 *
 *   magic              = 0x31584954 ("TIX1"), the version of this format
 *   relativeOffset     = offset - baseOffset of the message starting at `position` in the segment
 *   maxTimestampBefore = the largest timestamp of the segment's messages before that one (-Infinity for
 *                        the first); non-decreasing, so timestamp lookups can binary-search it
 *   segmentBytes       = the segment's size when the index was written; a segment of another size is
 *                        not described by this index and is scanned instead
 *   nextOffset         = the offset after the segment's last message
 *   maxTimestamp       = the largest timestamp in the segment (-Infinity when empty), for retention by age
 *   entriesCrc         = CRC-32 of the entries; footerCrc = CRC-32 of the footer's first 36 bytes
 *
 * An index file is written only for a sealed segment (after it was rolled and fsynced) and for the last
 * segment at a clean close; the last segment's file is deleted as soon as the queue reopens for appends,
 * so after a crash the last segment is always scanned. A missing or invalid index is rebuilt by a scan.
 */

export const INDEX_MAGIC = 0x31584954;
export const INDEX_ENTRY_BYTES = 16;
export const INDEX_FOOTER_BYTES = 40;

/** What an index file's footer says about its segment. */
export interface IndexFooter {
  readonly entryCount: number;
  readonly segmentBytes: number;
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  readonly entriesCrc: number;
}

/** In-memory sparse index: entries at message starts, about every `indexIntervalBytes`. */
export class SparseIndex {
  #rel: Uint32Array;
  #pos: Uint32Array;
  #ts: Float64Array;
  #count = 0;

  constructor(capacity = 16) {
    this.#rel = new Uint32Array(capacity);
    this.#pos = new Uint32Array(capacity);
    this.#ts = new Float64Array(capacity);
  }

  get count(): number {
    return this.#count;
  }

  /** Position of the last entry (0 when empty). */
  get lastPosition(): number {
    return this.#count === 0 ? 0 : this.#pos[this.#count - 1]!;
  }

  add(relativeOffset: number, position: number, maxTimestampBefore: number): void {
    if (this.#count === this.#rel.length) {
      const cap = this.#rel.length * 2;
      const rel = new Uint32Array(cap);
      rel.set(this.#rel);
      const pos = new Uint32Array(cap);
      pos.set(this.#pos);
      const ts = new Float64Array(cap);
      ts.set(this.#ts);
      this.#rel = rel;
      this.#pos = pos;
      this.#ts = ts;
    }
    this.#rel[this.#count] = relativeOffset;
    this.#pos[this.#count] = position;
    this.#ts[this.#count] = maxTimestampBefore;
    this.#count++;
  }

  relativeOffset(i: number): number {
    return this.#rel[i]!;
  }

  position(i: number): number {
    return this.#pos[i]!;
  }

  /** The last entry whose relative offset is ≤ `relativeOffset` (-1 when none). */
  floorByOffset(relativeOffset: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The last entry all of whose predecessors are older than `timestamp` (-1 when none). */
  floorByTimestamp(timestamp: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Drops entries at or after `position` (after a truncation). */
  truncateFrom(position: number): void {
    while (this.#count > 0 && this.#pos[this.#count - 1]! >= position) this.#count--;
  }

  /** The index file for a segment in the given state. */
  encodeFile(segmentBytes: number, nextOffset: number, maxTimestamp: number): Buffer {
    const entriesBytes = this.#count * INDEX_ENTRY_BYTES;
    const buf = Buffer.allocUnsafe(entriesBytes + INDEX_FOOTER_BYTES);
    for (let i = 0; i < this.#count; i++) {
      const p = i * INDEX_ENTRY_BYTES;
      buf.writeUInt32LE(this.#rel[i]!, p);
      buf.writeUInt32LE(this.#pos[i]!, p + 4);
      buf.writeDoubleLE(this.#ts[i]!, p + 8);
    }
    const f = entriesBytes;
    buf.writeUInt32LE(INDEX_MAGIC, f);
    buf.writeUInt32LE(this.#count, f + 4);
    buf.writeDoubleLE(segmentBytes, f + 8);
    buf.writeDoubleLE(nextOffset, f + 16);
    buf.writeDoubleLE(maxTimestamp, f + 24);
    buf.writeUInt32LE(crc32(buf.subarray(0, entriesBytes)), f + 32);
    buf.writeUInt32LE(crc32(buf.subarray(f, f + 36)), f + 36);
    return buf;
  }

  /** Decodes an index file's entries; null when the file is not a valid index for `footer`. */
  static decodeEntries(buf: Buffer, footer: IndexFooter): SparseIndex | null {
    const entriesBytes = footer.entryCount * INDEX_ENTRY_BYTES;
    if (buf.length < entriesBytes || crc32(buf.subarray(0, entriesBytes)) !== footer.entriesCrc) return null;
    const index = new SparseIndex(Math.max(16, footer.entryCount));
    for (let i = 0; i < footer.entryCount; i++) {
      const p = i * INDEX_ENTRY_BYTES;
      index.add(buf.readUInt32LE(p), buf.readUInt32LE(p + 4), buf.readDoubleLE(p + 8));
    }
    return index;
  }
}

/** Decodes and checks the 40-byte footer; null when it is not a valid footer of a file of `fileBytes`. */
export function decodeIndexFooter(footer: Buffer, fileBytes: number): IndexFooter | null {
  if (footer.length !== INDEX_FOOTER_BYTES) return null;
  if (footer.readUInt32LE(0) !== INDEX_MAGIC) return null;
  if (crc32(footer.subarray(0, 36)) !== footer.readUInt32LE(36)) return null;
  const entryCount = footer.readUInt32LE(4);
  if (entryCount * INDEX_ENTRY_BYTES + INDEX_FOOTER_BYTES !== fileBytes) return null;
  return {
    entryCount,
    segmentBytes: footer.readDoubleLE(8),
    nextOffset: footer.readDoubleLE(16),
    maxTimestamp: footer.readDoubleLE(24),
    entriesCrc: footer.readUInt32LE(32),
  };
}
