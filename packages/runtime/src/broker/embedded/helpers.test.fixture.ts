// Shared by the embedded broker's tests (named *.test.fixture.ts: not a test itself, not packaged).
// Imports nothing of node:test: the crash test's child process uses it too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutgoingMessage, StoredMessage } from '../broker.js';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir, removed when the process exits. */
export function tempDir(prefix = 'trib-broker-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const BASE_TS = 1_700_000_000_000;

/** A deterministic message for sequence number `seq`: varied sizes, a tombstone every 50, headers. */
export function messageFor(topic: string, seq: number, queue?: number): OutgoingMessage {
  const size = (seq * 7919) % 700;
  const value = seq % 50 === 49 ? null : Buffer.alloc(size + 8, seq & 0xff);
  if (value !== null) value.writeUInt32LE(seq, 0);
  return {
    topic,
    queue,
    key: seq % 7 === 6 ? null : Buffer.from(`key-${seq}`),
    value,
    headers:
      seq % 3 === 0
        ? []
        : [
            { key: 'seq', value: Buffer.from(String(seq)) },
            { key: 'ñull', value: null },
          ],
    timestamp: BASE_TS + seq,
  };
}

/** Whether a stored message is exactly what {@link messageFor} made for `seq`. */
export function matches(stored: StoredMessage, seq: number): boolean {
  const want = messageFor(stored.topic, seq);
  const eq = (a: Uint8Array | null, b: Uint8Array | null): boolean =>
    a === null || b === null ? a === b : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  return (
    stored.timestamp === want.timestamp &&
    eq(stored.key, want.key) &&
    eq(stored.value, want.value) &&
    stored.headers.length === want.headers.length &&
    stored.headers.every((h, i) => h.key === want.headers[i]!.key && eq(h.value, want.headers[i]!.value))
  );
}

export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text));
}
