import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';

/*
 * Client message id (UNIQ_KEY property), the format of Java's MessageClientIDSetter, as uppercase hex:
 *
 *   id     = ip(4 | 16) pid:int16 seed:int32 time:int32 counter:int16      (16 or 28 bytes → 32 or 56 hex)
 *   time   = milliseconds since the start of the current month (local time)
 *   seed   = Java uses the class loader's hash code; this client uses 4 random bytes per process
 */

/** Generates client message ids in the Java client's UNIQ_KEY format. */
export class MessageIdGenerator {
  readonly #prefix: string;
  #counter = 0;
  #monthStart = 0;
  #nextMonthStart = 0;

  /** @param ip 4 or 16 bytes (default: first non-internal IPv4 address, else 127.0.0.1) */
  constructor(ip: Uint8Array = localIPv4(), pid: number = process.pid, seed: Uint8Array = randomBytes(4)) {
    const fixed = Buffer.alloc(ip.length + 6);
    fixed.set(ip, 0);
    fixed.writeUInt16BE(pid & 0xffff, ip.length);
    fixed.set(seed.subarray(0, 4), ip.length + 2);
    this.#prefix = fixed.toString('hex').toUpperCase();
  }

  /** A new id; ids of one generator never repeat within 65536 calls per millisecond. */
  next(now: number = Date.now()): string {
    if (now >= this.#nextMonthStart || now < this.#monthStart) this.#setMonth(now);
    let diff = now - this.#monthStart;
    if (diff < 0) diff = 0;
    const c = this.#counter;
    this.#counter = (c + 1) & 0xffff;
    return this.#prefix + hex8(diff) + hex4(c);
  }

  #setMonth(now: number): void {
    const d = new Date(now);
    this.#monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    this.#nextMonthStart = new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
  }
}

/** Parts of a client message id. `time` is the approximate creation time (assumes the current or last month). */
export function parseMessageId(id: string, now: number = Date.now()): { ip: string; pid: number; time: number } {
  const bytes = Buffer.from(id, 'hex');
  const ipLength = bytes.length === 28 ? 16 : 4;
  const ipBytes = bytes.subarray(0, ipLength);
  const ip =
    ipLength === 4
      ? Array.from(ipBytes).join('.')
      : Array.from({ length: 8 }, (_, i) => ipBytes.readUInt16BE(i * 2).toString(16)).join(':');
  const pid = bytes.readUInt16BE(ipLength);
  const span = bytes.readUInt32BE(ipLength + 6);
  const d = new Date(now);
  let start = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
  if (start + span >= now + 1000) start = new Date(d.getFullYear(), d.getMonth() - 1, 1).getTime();
  return { ip, pid, time: start + span };
}

const HEXU = '0123456789ABCDEF';
function hex8(n: number): string {
  let s = '';
  for (let shift = 28; shift >= 0; shift -= 4) s += HEXU[(n >>> shift) & 15];
  return s;
}
function hex4(n: number): string {
  return HEXU[(n >> 12) & 15]! + HEXU[(n >> 8) & 15]! + HEXU[(n >> 4) & 15]! + HEXU[n & 15]!;
}

/** First non-internal IPv4 address of this host as 4 bytes, else 127.0.0.1. */
export function localIPv4(): Uint8Array {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return Uint8Array.from(a.address.split('.').map(Number));
    }
  }
  return Uint8Array.of(127, 0, 0, 1);
}

/** Java's String.hashCode, used to pick a queue from a key the way SelectMessageQueueByHash does. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}
