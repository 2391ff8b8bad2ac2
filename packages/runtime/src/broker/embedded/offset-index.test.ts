import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeIndexFooter, INDEX_FOOTER_BYTES, SparseIndex } from './offset-index.js';

function sample(): SparseIndex {
  const index = new SparseIndex(2);
  // entries every 10 offsets; max timestamps before them are non-decreasing
  for (let i = 0; i < 50; i++) index.add(i * 10, i * 4096, i === 0 ? Number.NEGATIVE_INFINITY : 1000 + i * 5);
  return index;
}

describe('sparse offset index', () => {
  it('finds the last entry at or before an offset', () => {
    const index = sample();
    assert.equal(index.floorByOffset(0), 0);
    assert.equal(index.floorByOffset(9), 0);
    assert.equal(index.floorByOffset(10), 1);
    assert.equal(index.floorByOffset(495), 49);
    assert.equal(index.position(index.floorByOffset(255)), 25 * 4096);
    assert.equal(new SparseIndex().floorByOffset(5), -1);
  });

  it('finds the last entry whose predecessors are all older than a timestamp', () => {
    const index = sample();
    assert.equal(index.floorByTimestamp(0), 0);
    assert.equal(index.floorByTimestamp(1005), 0);
    assert.equal(index.floorByTimestamp(1006), 1);
    assert.equal(index.floorByTimestamp(10_000), 49);
  });

  it('drops entries at or after a truncation point', () => {
    const index = sample();
    index.truncateFrom(10 * 4096);
    assert.equal(index.count, 10);
    assert.equal(index.lastPosition, 9 * 4096);
  });

  it('round-trips through its file format', () => {
    const index = sample();
    const file = index.encodeFile(123_456, 777, 2000);
    const footer = decodeIndexFooter(file.subarray(file.length - INDEX_FOOTER_BYTES), file.length);
    assert.ok(footer);
    assert.deepEqual(
      { n: footer.entryCount, size: footer.segmentBytes, next: footer.nextOffset, ts: footer.maxTimestamp },
      { n: 50, size: 123_456, next: 777, ts: 2000 },
    );
    const back = SparseIndex.decodeEntries(file, footer);
    assert.ok(back);
    for (let i = 0; i < 50; i++) {
      assert.equal(back.relativeOffset(i), index.relativeOffset(i));
      assert.equal(back.position(i), index.position(i));
    }
    assert.equal(back.floorByTimestamp(1006), 1);
  });

  it('rejects damaged or mis-sized files', () => {
    const file = sample().encodeFile(1, 2, 3);
    const footerAt = file.length - INDEX_FOOTER_BYTES;
    assert.equal(decodeIndexFooter(file.subarray(footerAt), file.length + 16), null, 'size mismatch');
    const badFooter = Buffer.from(file);
    badFooter[footerAt + 10]! ^= 1;
    assert.equal(decodeIndexFooter(badFooter.subarray(footerAt), file.length), null, 'footer checksum');
    const badEntry = Buffer.from(file);
    badEntry[3]! ^= 1;
    const footer = decodeIndexFooter(badEntry.subarray(footerAt), file.length);
    assert.ok(footer);
    assert.equal(SparseIndex.decodeEntries(badEntry, footer), null, 'entries checksum');
  });
});
