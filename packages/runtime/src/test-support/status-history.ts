/** Checks over a cluster's status history (the status topic, in log order). */

export interface StatusRecord {
  readonly key: string;
  readonly value: Record<string, unknown> | null;
}

/** For each task key (`task:<connector>/<n>`), the workers that reported it RUNNING at some point. */
export function workersPerTask(history: readonly StatusRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of history) {
    if (!e.key.startsWith('task:') || e.value === null || e.value.state !== 'RUNNING') continue;
    const set = out.get(e.key) ?? new Set<string>();
    set.add(String(e.value.workerId));
    out.set(e.key, set);
  }
  return out;
}

/**
 * Longest time two different workers both held a task RUNNING, per the status history. A worker's
 * RUNNING ends with its next status for that task, or when the worker was killed.
 */
export function longestOverlapMs(
  history: readonly StatusRecord[],
  downAt: ReadonlyMap<string, number[]>,
): { ms: number; task: string } {
  const byTask = new Map<string, { worker: string; state: string; at: number }[]>();
  for (const e of history) {
    if (!e.key.startsWith('task:') || e.value === null) continue;
    const list = byTask.get(e.key) ?? [];
    list.push({ worker: String(e.value.workerId), state: String(e.value.state), at: Number(e.value.at) });
    byTask.set(e.key, list);
  }
  let worst = { ms: 0, task: '' };
  for (const [task, entries] of byTask) {
    const intervals: { worker: string; from: number; to: number }[] = [];
    const open = new Map<string, number>();
    for (const e of entries.sort((a, b) => a.at - b.at)) {
      const started = open.get(e.worker);
      if (e.state === 'RUNNING' && started === undefined) open.set(e.worker, e.at);
      if (e.state !== 'RUNNING' && started !== undefined) {
        intervals.push({ worker: e.worker, from: started, to: e.at });
        open.delete(e.worker);
      }
    }
    for (const [worker, from] of open) {
      const death = (downAt.get(worker) ?? []).find((t) => t >= from) ?? Date.now();
      intervals.push({ worker, from, to: death });
    }
    // Killed workers never write a final status: their interval ends at the kill.
    for (const i of intervals) {
      const death = (downAt.get(i.worker) ?? []).find((t) => t >= i.from);
      if (death !== undefined && death < i.to) i.to = death;
    }
    for (const a of intervals) {
      for (const b of intervals) {
        if (a.worker >= b.worker) continue;
        const overlap = Math.min(a.to, b.to) - Math.max(a.from, b.from);
        if (overlap > worst.ms) worst = { ms: overlap, task };
      }
    }
  }
  return worst;
}
