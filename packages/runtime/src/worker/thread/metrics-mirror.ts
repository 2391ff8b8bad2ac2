import { LATENCY_BUCKETS_MS, type MaxAvg, type TaskMetrics } from '../../metrics/task-metrics.js';
import type { WindowRate } from '../../metrics/window-rate.js';

/*
 * A task thread counts into its own TaskMetrics; the main thread's TaskMetrics (the one /metrics renders)
 * mirrors it. The thread sends all its values as one Float64Array, in this order:
 *
 *   rates     = total of pollRate writeRate readRate sendRate             (deltas become marks)
 *   counters  = COUNTERS                                                  (deltas are added)
 *   maxAvgs   = (max sum count) of each of MAX_AVGS                       (sum/count added, max kept)
 *   latency   = counts[LATENCY_BUCKETS_MS.length] sum count               (deltas are added)
 *   gauges    = GAUGES                                                    (copied)
 *   lastErrorTimestamp                                                    (the later one kept)
 *
 * The main thread keeps the previous array of the same thread and applies the difference, so a restarted
 * task (a new thread, counting from zero) adds to the totals its earlier runs left.
 */

const RATES = ['pollRate', 'writeRate', 'readRate', 'sendRate'] as const satisfies readonly (keyof TaskMetrics)[];
const COUNTERS = [
  'sourceRecordWriteBytes',
  'sinkRecordReadBytes',
  'offsetCommitSuccess',
  'offsetCommitFailure',
  'offsetCommitSeqNo',
  'totalRecordFailures',
  'totalRecordErrors',
  'totalRecordsSkipped',
  'totalRetries',
  'totalErrorsLogged',
  'deadLetterQueueProduceRequests',
  'deadLetterQueueProduceFailures',
] as const satisfies readonly (keyof TaskMetrics)[];
const MAX_AVGS = [
  'pollBatchTimeMs',
  'putBatchTimeMs',
  'batchSize',
  'offsetCommitTimeMs',
] as const satisfies readonly (keyof TaskMetrics)[];
const GAUGES = ['sourceRecordActiveCount', 'partitionCount'] as const satisfies readonly (keyof TaskMetrics)[];

const BUCKETS = LATENCY_BUCKETS_MS.length;
const COUNTERS_AT = RATES.length;
const MAX_AVGS_AT = COUNTERS_AT + COUNTERS.length;
const LATENCY_AT = MAX_AVGS_AT + 3 * MAX_AVGS.length;
const GAUGES_AT = LATENCY_AT + BUCKETS + 2;
const LAST_ERROR_AT = GAUGES_AT + GAUGES.length;
/** Length of the value array. */
export const METRIC_VALUES = LAST_ERROR_AT + 1;

/** The values of a thread's TaskMetrics, in the order above. */
export function metricValues(m: TaskMetrics): Float64Array {
  const v = new Float64Array(METRIC_VALUES);
  for (let i = 0; i < RATES.length; i++) v[i] = (m[RATES[i]!] as WindowRate).total;
  for (let i = 0; i < COUNTERS.length; i++) v[COUNTERS_AT + i] = m[COUNTERS[i]!];
  for (let i = 0; i < MAX_AVGS.length; i++) {
    const x = m[MAX_AVGS[i]!] as MaxAvg;
    v[MAX_AVGS_AT + 3 * i] = x.max;
    v[MAX_AVGS_AT + 3 * i + 1] = x.sum;
    v[MAX_AVGS_AT + 3 * i + 2] = x.count;
  }
  const h = m.latencyMs;
  v.set(h.counts, LATENCY_AT);
  v[LATENCY_AT + BUCKETS] = h.sum;
  v[LATENCY_AT + BUCKETS + 1] = h.count;
  for (let i = 0; i < GAUGES.length; i++) v[GAUGES_AT + i] = m[GAUGES[i]!];
  v[LAST_ERROR_AT] = m.lastErrorTimestamp;
  return v;
}

/** True when two value arrays differ (the thread sends only changes). */
export function valuesChanged(a: Float64Array | null, b: Float64Array): boolean {
  if (a === null) return true;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return true;
  return false;
}

/**
 * Applies the change from `previous` (null: the thread's first report) to `current` onto the main thread's
 * metrics of the task. Window-rate deltas are marked now: a rate lags the thread by one report interval.
 */
export function applyMetricValues(target: TaskMetrics, previous: Float64Array | null, current: Float64Array): void {
  const before = (i: number) => (previous === null ? 0 : previous[i]!);
  for (let i = 0; i < RATES.length; i++) {
    const d = current[i]! - before(i);
    if (d > 0) (target[RATES[i]!] as WindowRate).mark(d);
  }
  for (let i = 0; i < COUNTERS.length; i++) {
    const at = COUNTERS_AT + i;
    target[COUNTERS[i]!] += current[at]! - before(at);
  }
  for (let i = 0; i < MAX_AVGS.length; i++) {
    const at = MAX_AVGS_AT + 3 * i;
    const x = target[MAX_AVGS[i]!] as MaxAvg;
    if (current[at]! > x.max) x.max = current[at]!;
    x.sum += current[at + 1]! - before(at + 1);
    x.count += current[at + 2]! - before(at + 2);
  }
  const h = target.latencyMs;
  for (let i = 0; i < BUCKETS; i++) h.counts[i]! += current[LATENCY_AT + i]! - before(LATENCY_AT + i);
  h.sum += current[LATENCY_AT + BUCKETS]! - before(LATENCY_AT + BUCKETS);
  h.count += current[LATENCY_AT + BUCKETS + 1]! - before(LATENCY_AT + BUCKETS + 1);
  for (let i = 0; i < GAUGES.length; i++) target[GAUGES[i]!] = current[GAUGES_AT + i]!;
  if (current[LAST_ERROR_AT]! > target.lastErrorTimestamp) target.lastErrorTimestamp = current[LAST_ERROR_AT]!;
}
