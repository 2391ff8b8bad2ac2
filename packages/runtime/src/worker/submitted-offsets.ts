import type { JsonMap } from '@tributary/api';
import { canonicalJson } from '../storage/stores.js';

/** One source partition's progress within one submitted batch. */
interface Entry {
  readonly offset: JsonMap;
  acked: boolean;
}

interface PartitionQueue {
  readonly partition: JsonMap;
  readonly entries: Entry[];
  head: number;
  /** Last committable offset not yet taken by {@link SubmittedOffsets.committable}. */
  ready: JsonMap | null;
}

/** An offset ready to commit; `key` is the partition's canonical JSON. */
export interface CommittableOffset {
  readonly key: string;
  readonly partition: JsonMap;
  readonly offset: JsonMap;
}

/** A batch's handle: acknowledging it marks its entries. */
export interface SubmittedBatch {
  readonly entries: readonly Entry[];
}

/**
 * Tracks which source offsets may be committed: only up to the last record that was acknowledged with
 * every record before it in the same source partition (Kafka's SubmittedRecords). Batches are acked
 * whole (the broker acknowledges a send at once), so each batch contributes one entry per partition:
 * the offset of its last record in that partition.
 */
export class SubmittedOffsets {
  readonly #partitions = new Map<string, PartitionQueue>();
  #pending = 0;

  /** Registers a batch, given each record's partition and offset in order. */
  submit(records: Iterable<{ readonly sourcePartition: JsonMap; readonly sourceOffset: JsonMap }>): SubmittedBatch {
    // Within a batch only the last offset per partition matters.
    const last = new Map<string, { partition: JsonMap; offset: JsonMap }>();
    let previous: JsonMap | null = null;
    let previousKey = '';
    for (const r of records) {
      // Partitions are usually the same object record after record: skip re-serializing then.
      const key = r.sourcePartition === previous ? previousKey : canonicalJson(r.sourcePartition);
      previous = r.sourcePartition;
      previousKey = key;
      last.set(key, { partition: r.sourcePartition, offset: r.sourceOffset });
    }
    const entries: Entry[] = [];
    for (const [key, { partition, offset }] of last) {
      let q = this.#partitions.get(key);
      if (q === undefined) {
        q = { partition, entries: [], head: 0, ready: null };
        this.#partitions.set(key, q);
      }
      const entry: Entry = { offset, acked: false };
      q.entries.push(entry);
      entries.push(entry);
      this.#pending++;
    }
    return { entries };
  }

  /** Marks a batch acknowledged by the broker. */
  ack(batch: SubmittedBatch): void {
    for (const e of batch.entries) {
      if (!e.acked) {
        e.acked = true;
        this.#pending--;
      }
    }
  }

  /** Entries submitted but not acknowledged. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * The offsets that became committable since the last call: for each partition, the offset of the last
   * acknowledged entry with no unacknowledged entry before it.
   */
  committable(): CommittableOffset[] {
    const out: CommittableOffset[] = [];
    for (const [key, q] of this.#partitions) {
      while (q.head < q.entries.length && q.entries[q.head]!.acked) {
        q.ready = q.entries[q.head]!.offset;
        q.head++;
      }
      if (q.head > 1024 || q.head === q.entries.length) {
        q.entries.splice(0, q.head);
        q.head = 0;
      }
      if (q.ready !== null) {
        out.push({ key, partition: q.partition, offset: q.ready });
        q.ready = null;
      }
      if (q.entries.length === 0) this.#partitions.delete(key);
    }
    return out;
  }
}
