// Child process of crash.test.ts: appends and commits as fast as it can and reports what was acknowledged
// on stdout (synchronous on a pipe), until the parent kills it with SIGKILL.
//   node crash-child.test.fixture.js <dataDir> <per-batch|interval>
//   stdout: "A <n>"  every message with sequence number < n was acknowledged
//           "C <k>"  the group commit number k was acknowledged
import { EmbeddedBroker } from './embedded-broker.js';
import { messageFor } from './helpers.test.fixture.js';
import type { FsyncPolicy } from './options.js';

export const CRASH_TOPIC = 'crash.test';
export const CRASH_QUEUES = 3;
export const CRASH_GROUP = 'crash-group';
export const CRASH_OPTIONS = {
  segmentBytes: 64 * 1024,
  indexIntervalBytes: 1024,
  fsyncIntervalMs: 20,
  retentionMs: -1,
};

async function main(dataDir: string, fsync: FsyncPolicy): Promise<void> {
  const broker = new EmbeddedBroker({ dataDir, fsync, ...CRASH_OPTIONS });
  await broker.start();
  await broker.ensureTopic(CRASH_TOPIC, CRASH_QUEUES);
  process.stdout.write('READY\n');
  let nextSeq = 0;
  let ackedUpTo = 0;
  const done = new Map<number, number>();
  const producer = async (): Promise<void> => {
    for (;;) {
      const count = 1 + Math.floor(Math.random() * 120);
      const from = nextSeq;
      nextSeq += count;
      // Queue = seq % 3, so every queue holds seqs q, q+3, q+6, ... at offsets 0, 1, 2, ...
      await broker.send(Array.from({ length: count }, (_, i) => messageFor(CRASH_TOPIC, from + i, (from + i) % 3)));
      done.set(from, count);
      let advanced = false;
      while (done.has(ackedUpTo)) {
        const n = done.get(ackedUpTo)!;
        done.delete(ackedUpTo);
        ackedUpTo += n;
        advanced = true;
      }
      if (advanced) process.stdout.write(`A ${ackedUpTo}\n`);
    }
  };
  const committer = async (): Promise<void> => {
    for (let k = 1; ; k++) {
      // Two queues in one commit: after a crash both must come from the same commit.
      await broker.commitGroupOffsets(CRASH_GROUP, [
        { topic: CRASH_TOPIC, queue: 0, offset: k },
        { topic: CRASH_TOPIC, queue: 1, offset: 2 * k },
      ]);
      process.stdout.write(`C ${k}\n`);
      await new Promise((r) => setImmediate(r));
    }
  };
  await Promise.all([producer(), producer(), committer()]);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [dataDir, fsync] = process.argv.slice(2);
  main(dataDir!, fsync as FsyncPolicy).catch((err) => {
    process.stderr.write(`crash child failed: ${err?.stack ?? err}\n`);
    process.exit(2);
  });
}
