/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), so a key lands on the same queue
 * number as on a Kafka topic with as many partitions.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The queue of a keyed message: Kafka's default partitioner (`toPositive(murmur2(key)) % queues`). */
export function queueForKey(key: Uint8Array, queues: number): number {
  return (murmur2(key) & 0x7fffffff) % queues;
}
