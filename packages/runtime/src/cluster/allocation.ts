import { createHash } from 'node:crypto';

/** A connector to place: its name and how many tasks it has now. */
export interface AllocationConnector {
  readonly name: string;
  readonly tasks: number;
}

/** Where each connector instance and task runs: worker id → what it runs. */
export interface Assignment {
  /** Connector name → worker id. */
  readonly connectors: ReadonlyMap<string, string>;
  /** Task id (`<connector>/<task>`) → worker id. */
  readonly tasks: ReadonlyMap<string, string>;
}

export type AllocationStrategy = 'round-robin' | 'consistent-hash';

export const EMPTY_ASSIGNMENT: Assignment = { connectors: new Map(), tasks: new Map() };

/** The key of a task in an {@link Assignment}. */
export function taskKey(connector: string, task: number): string {
  return `${connector}/${task}`;
}

/**
 * Decides which worker runs each connector instance and each task: a pure, deterministic function of the
 * live workers, the connectors and the previous assignment, so every worker computes the same answer with
 * no leader.
 *
 * - `round-robin` (sticky): connectors and tasks are balanced separately (each worker gets ⌊n/w⌋ or ⌈n/w⌉
 *   of each); an item stays on its previous worker while that worker is alive and under its quota; only
 *   the rest move, to the least-loaded workers. A join or leave moves only what must move.
 * - `consistent-hash`: each item goes to the owner of its point on a ring of workers (virtual nodes);
 *   a join or leave moves only the items in the affected arcs. Not balanced as tightly as round-robin.
 */
export function allocate(
  workers: readonly string[],
  connectors: readonly AllocationConnector[],
  previous: Assignment,
  strategy: AllocationStrategy = 'round-robin',
): Assignment {
  const live = [...new Set(workers)].sort();
  if (live.length === 0) return EMPTY_ASSIGNMENT;
  const sortedConnectors = [...connectors].sort((a, b) => compare(a.name, b.name));
  const connectorItems = sortedConnectors.map((c) => c.name);
  const taskItems = sortedConnectors.flatMap((c) => Array.from({ length: c.tasks }, (_, i) => taskKey(c.name, i)));
  if (strategy === 'consistent-hash') {
    const ring = new HashRing(live);
    return {
      connectors: new Map(connectorItems.map((item) => [item, ring.owner(`connector:${item}`)])),
      tasks: new Map(taskItems.map((item) => [item, ring.owner(`task:${item}`)])),
    };
  }
  return {
    connectors: stickyBalance(live, connectorItems, previous.connectors),
    tasks: stickyBalance(live, taskItems, previous.tasks),
  };
}

/**
 * Balances items over workers: keep each item on its previous worker if that worker is live and below
 * its quota, then give the others, in item order, to the least-loaded worker (ties: worker order).
 * Quotas: ⌈n/w⌉ for the first n mod w workers (by id), ⌊n/w⌋ for the rest — but a worker keeps a sticky
 * item above ⌊n/w⌋ only while the number of workers at ⌈n/w⌉ allows it.
 */
function stickyBalance(
  workers: readonly string[],
  items: readonly string[],
  previous: ReadonlyMap<string, string>,
): Map<string, string> {
  const n = items.length;
  const w = workers.length;
  const floor = Math.floor(n / w);
  let extras = n % w; // how many workers may hold floor + 1
  const load = new Map(workers.map((id) => [id, 0]));
  const out = new Map<string, string>();
  const unplaced: string[] = [];
  // Keep sticky items first, up to floor per worker, then up to floor + 1 while extras remain.
  const byWorker = new Map<string, string[]>();
  for (const item of items) {
    const owner = previous.get(item);
    if (owner !== undefined && load.has(owner)) {
      const list = byWorker.get(owner) ?? [];
      list.push(item);
      byWorker.set(owner, list);
    } else {
      unplaced.push(item);
    }
  }
  const overflow: string[] = [];
  for (const id of workers) {
    const list = byWorker.get(id) ?? [];
    for (const item of list.slice(0, floor)) {
      out.set(item, id);
      load.set(id, load.get(id)! + 1);
    }
    overflow.push(...list.slice(floor));
  }
  // Overflowing sticky items may stay as their worker's one extra while extras remain (in item order).
  for (const item of [...overflow].sort((a, b) => items.indexOf(a) - items.indexOf(b))) {
    const id = previous.get(item)!;
    if (extras > 0 && load.get(id)! === floor) {
      out.set(item, id);
      load.set(id, floor + 1);
      extras--;
    } else {
      unplaced.push(item);
    }
  }
  unplaced.sort((a, b) => items.indexOf(a) - items.indexOf(b));
  for (const item of unplaced) {
    let best: string | undefined;
    for (const id of workers) {
      const l = load.get(id)!;
      const cap = extras > 0 ? floor + 1 : floor;
      if (l >= cap) continue;
      if (best === undefined || l < load.get(best)!) best = id;
    }
    // Every item fits: Σ caps = n. `best` is defined unless the arithmetic above is wrong.
    const chosen = best ?? workers[0]!;
    if (load.get(chosen)! === floor) extras--;
    out.set(item, chosen);
    load.set(chosen, load.get(chosen)! + 1);
  }
  return out;
}

/** A consistent-hash ring with virtual nodes (MD5, as RocketMQ Connect's consistent-hash strategy). */
class HashRing {
  readonly #points: { hash: bigint; worker: string }[] = [];

  constructor(workers: readonly string[], virtualNodes = 64) {
    for (const worker of workers) {
      for (let v = 0; v < virtualNodes; v++) this.#points.push({ hash: hash64(`${worker}#${v}`), worker });
    }
    this.#points.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : compare(a.worker, b.worker)));
  }

  owner(key: string): string {
    const h = hash64(key);
    let lo = 0;
    let hi = this.#points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid]!.hash < h) lo = mid + 1;
      else hi = mid;
    }
    return this.#points[lo % this.#points.length]!.worker;
  }
}

function hash64(text: string): bigint {
  return createHash('md5').update(text).digest().readBigUInt64BE(0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Items whose worker differs between two assignments (for logs and tests). */
export function moves(before: Assignment, after: Assignment): { connectors: string[]; tasks: string[] } {
  const diff = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) =>
    [...b].filter(([item, w]) => a.has(item) && a.get(item) !== w).map(([item]) => item);
  return { connectors: diff(before.connectors, after.connectors), tasks: diff(before.tasks, after.tasks) };
}
