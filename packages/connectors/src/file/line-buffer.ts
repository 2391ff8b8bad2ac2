const LF = 0x0a;
const CR = 0x0d;

/** One complete line taken from a {@link LineBuffer}. */
export interface Line {
  /** The line without its terminator, decoded as UTF-8. */
  readonly text: string;
  /** Stream position just after the line's terminator: where reading resumes after this line. */
  readonly end: number;
}

/**
 * Bytes read from a file or stream, split into lines. Lines end with `\n`, `\r\n` or a lone `\r` (as
 * Kafka's FileStreamSourceTask and Java's readers). Splitting happens on bytes and only complete lines are
 * decoded, so a UTF-8 character cut by a read boundary is never garbled: neither `\n` nor `\r` occurs
 * inside a multi-byte UTF-8 sequence.
 *
 * Reads go straight into the buffer ({@link writable} then {@link commit}); consumed bytes are compacted
 * away only when room is needed, so splitting costs one native byte search per line.
 */
export class LineBuffer {
  #buf: Buffer;
  #start = 0;
  #end = 0;
  /** Stream position of `#buf[0]`. */
  #base: number;
  /** Index of the next CR at or after `#start`, or -1 when none lies before `#crScanned`. */
  #cr = -1;
  #crScanned = 0;

  /** @param position stream position of the first byte that will be added. */
  constructor(position = 0, initialCapacity = 128 * 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
    this.#base = position;
  }

  /** Stream position of the first unconsumed byte (the end of the last line taken). */
  get position(): number {
    return this.#base + this.#start;
  }

  /** Stream position just after the last byte added. */
  get readPosition(): number {
    return this.#base + this.#end;
  }

  /** Bytes added but not yet taken as lines (a partial line). */
  get pendingBytes(): number {
    return this.#end - this.#start;
  }

  /** Drops every pending byte and restarts at `position` (after a truncated or replaced file). */
  reset(position: number): void {
    this.#start = 0;
    this.#end = 0;
    this.#base = position;
    this.#cr = -1;
    this.#crScanned = 0;
  }

  /**
   * A region of at least `minBytes` free bytes to read into; pass the count read to {@link commit}.
   * Compacts consumed bytes away, and grows the buffer when a single line is longer than it.
   */
  writable(minBytes: number): Buffer {
    if (this.#buf.length - this.#end < minBytes) {
      const pending = this.#end - this.#start;
      if (this.#buf.length - pending >= minBytes && this.#start > 0) {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      } else {
        let size = this.#buf.length * 2;
        while (size - pending < minBytes) size *= 2;
        const grown = Buffer.allocUnsafe(size);
        this.#buf.copy(grown, 0, this.#start, this.#end);
        this.#buf = grown;
      }
      this.#shift(this.#start);
    }
    return this.#buf.subarray(this.#end);
  }

  /** Marks `count` bytes written into the region returned by {@link writable} as added. */
  commit(count: number): void {
    this.#end += count;
  }

  /** Copies `chunk` in (for streams that hand out their own buffers). */
  append(chunk: Uint8Array): void {
    const target = this.writable(chunk.length);
    target.set(chunk);
    this.commit(chunk.length);
  }

  /**
   * The next complete line, or undefined when the pending bytes hold none. A `\r` as the very last pending
   * byte may be the first half of `\r\n`, so it ends a line only when `final` says no more bytes will come.
   * With `final`, an unterminated last line is returned too (its `end` is the end of the data).
   */
  next(final = false): Line | undefined {
    const view = this.#buf.subarray(0, this.#end);
    const lf = view.indexOf(LF, this.#start);
    const cr = this.#nextCr(view, lf === -1 ? this.#end : lf);
    let until: number;
    let resume: number;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      until = cr;
      if (cr + 1 < this.#end) resume = view[cr + 1] === LF ? cr + 2 : cr + 1;
      else if (final) resume = cr + 1;
      else return undefined;
    } else if (lf !== -1) {
      until = lf;
      resume = lf + 1;
    } else if (final && this.#end > this.#start) {
      until = this.#end;
      resume = this.#end;
    } else {
      return undefined;
    }
    const text = this.#buf.toString('utf8', this.#start, until);
    this.#start = resume;
    return { text, end: this.#base + resume };
  }

  /** Index of the first CR in [#start, limit), or -1; remembers how far it looked. */
  #nextCr(view: Buffer, limit: number): number {
    if (this.#cr >= this.#start) return this.#cr < limit ? this.#cr : -1;
    const from = Math.max(this.#start, this.#crScanned);
    if (from >= limit) return -1;
    // Search to the end of the data once, so lines without CR cost no repeated scans.
    const found = view.indexOf(CR, from);
    this.#cr = found;
    this.#crScanned = found === -1 ? this.#end : found;
    return found !== -1 && found < limit ? found : -1;
  }

  #shift(by: number): void {
    this.#end -= by;
    this.#start -= by;
    this.#base += by;
    this.#cr = this.#cr >= 0 ? this.#cr - by : -1;
    this.#crScanned = Math.max(0, this.#crScanned - by);
  }
}
