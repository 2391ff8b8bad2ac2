import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFrame,
  FRAME_CORRUPT,
  FRAME_HEADER_BYTES,
  FRAME_INCOMPLETE,
  readI64,
  readU64,
  sealFrame,
  writeI64,
  writeU64,
} from './framing.js';

function frame(body: string): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_BYTES + Buffer.byteLength(body));
  b.write(body, FRAME_HEADER_BYTES);
  sealFrame(b, 0, b.length - FRAME_HEADER_BYTES);
  return b;
}

describe('framing', () => {
  it('uses the standard CRC-32 (check value of "123456789" is 0xCBF43926)', () => {
    const f = frame('123456789');
    assert.equal(f.readUInt32LE(0), 9);
    assert.equal(f.readUInt32LE(4), 0xcbf43926);
  });

  it('accepts a whole frame and reports its body length', () => {
    const f = frame('hello frame');
    assert.equal(checkFrame(f, 0, f.length, 1, 100), 11);
  });

  it('reports every strict prefix of a frame as incomplete', () => {
    const f = frame('hello frame');
    for (let end = 0; end < f.length; end++)
      assert.equal(checkFrame(f, 0, end, 1, 100), FRAME_INCOMPLETE, `end=${end}`);
  });

  it('reports any flipped body or checksum byte as corrupt', () => {
    const f = frame('hello frame');
    for (let i = 4; i < f.length; i++) {
      const g = Buffer.from(f);
      g[i]! ^= 0x01;
      assert.equal(checkFrame(g, 0, g.length, 1, 100), FRAME_CORRUPT, `byte ${i}`);
    }
  });

  it('rejects lengths outside the allowed body range', () => {
    const f = frame('hello frame');
    assert.equal(checkFrame(f, 0, f.length, 12, 100), FRAME_CORRUPT);
    assert.equal(checkFrame(f, 0, f.length, 1, 10), FRAME_CORRUPT);
    assert.equal(checkFrame(Buffer.alloc(64), 0, 64, 1, 100), FRAME_CORRUPT, 'zero-filled tail');
  });

  it('round-trips 64-bit integers within the safe range', () => {
    const b = Buffer.alloc(8);
    for (const v of [0, 1, 0xffffffff, 0x1_0000_0000, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      writeU64(b, v, 0);
      assert.equal(readU64(b, 0), v);
      assert.equal(b.readBigUInt64LE(0), BigInt(v));
    }
    for (const v of [0, -1, 1, -(2 ** 40) - 7, 1_700_000_000_123, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]) {
      writeI64(b, v, 0);
      assert.equal(readI64(b, 0), v);
      assert.equal(b.readBigInt64LE(0), BigInt(v));
    }
  });
});
