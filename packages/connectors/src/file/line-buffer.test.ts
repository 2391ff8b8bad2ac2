import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Line, LineBuffer } from './line-buffer.js';

function drain(buffer: LineBuffer, final = false): Line[] {
  const out: Line[] = [];
  for (let line = buffer.next(final); line !== undefined; line = buffer.next(final)) out.push(line);
  return out;
}

/** Splits like the buffer should: on \n, \r\n or \r; returns text and byte end of each complete line. */
function referenceSplit(bytes: Buffer): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
      let resume = i + 1;
      if (bytes[i] === 0x0d) {
        if (i + 1 >= bytes.length) break; // a trailing \r is undecided
        if (bytes[i + 1] === 0x0a) resume = i + 2;
      }
      out.push({ text: bytes.toString('utf8', start, i), end: resume });
      start = resume;
      i = resume - 1;
    }
  }
  return out;
}

describe('LineBuffer', () => {
  it('splits on \\n, \\r\\n and a lone \\r, with byte positions after each terminator', () => {
    const b = new LineBuffer();
    b.append(Buffer.from('a\nbb\r\nccc\rd'));
    assert.deepEqual(drain(b), [
      { text: 'a', end: 2 },
      { text: 'bb', end: 6 },
      { text: 'ccc', end: 10 },
    ]);
    assert.equal(b.pendingBytes, 1);
    assert.equal(b.position, 10);
  });

  it('keeps a trailing \\r undecided until the next byte or the final end', () => {
    const b = new LineBuffer();
    b.append(Buffer.from('x\r'));
    assert.deepEqual(drain(b), []);
    b.append(Buffer.from('\ny\r'));
    assert.deepEqual(drain(b), [{ text: 'x', end: 3 }]);
    assert.deepEqual(drain(b, true), [{ text: 'y', end: 5 }]);
  });

  it('returns an unterminated last line only when final', () => {
    const b = new LineBuffer(100);
    b.append(Buffer.from('done\npartial'));
    assert.deepEqual(drain(b), [{ text: 'done', end: 105 }]);
    assert.deepEqual(drain(b, true), [{ text: 'partial', end: 112 }]);
    assert.deepEqual(drain(b, true), []);
  });

  it('keeps empty lines', () => {
    const b = new LineBuffer();
    b.append(Buffer.from('\n\r\n\n'));
    assert.deepEqual(
      drain(b).map((l) => l.text),
      ['', '', ''],
    );
  });

  it('decodes multi-byte UTF-8 characters cut by any chunk boundary', () => {
    const text = ['ä€𝄞 first', '', 'naïve\r', 'ü'.repeat(40), '中文字符', '😀😀 end']
      .join('\n')
      .replace('\r\n', '\r\r\n');
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    const expected = referenceSplit(bytes);
    assert.ok(expected.length >= 6);
    for (let chunk = 1; chunk <= 13; chunk++) {
      const b = new LineBuffer(0, 16);
      const got: Line[] = [];
      for (let off = 0; off < bytes.length; off += chunk) {
        const target = b.writable(chunk);
        const n = bytes.copy(target, 0, off, Math.min(off + chunk, bytes.length));
        b.commit(n);
        got.push(...drain(b));
      }
      assert.deepEqual(got, expected, `chunk size ${chunk}`);
    }
  });

  it('grows for lines longer than its buffer and compacts consumed bytes', () => {
    const b = new LineBuffer(0, 16);
    const long = 'x'.repeat(1000);
    b.append(Buffer.from(`${long}\nshort\n`));
    assert.deepEqual(
      drain(b).map((l) => l.text),
      [long, 'short'],
    );
    for (let i = 0; i < 100; i++) b.append(Buffer.from(`l${i}\n`));
    const lines = drain(b);
    assert.equal(lines.length, 100);
    assert.equal(lines.at(-1)?.text, 'l99');
    assert.equal(lines.at(-1)?.end, b.readPosition);
  });

  it('restarts at a new position on reset, dropping pending bytes', () => {
    const b = new LineBuffer();
    b.append(Buffer.from('one\ntw'));
    drain(b);
    b.reset(0);
    assert.equal(b.pendingBytes, 0);
    b.append(Buffer.from('new\n'));
    assert.deepEqual(drain(b), [{ text: 'new', end: 4 }]);
  });
});
