import { ConnectError, METRIC_NAME_RE, type TaskMetricsReporter } from '@tributary/api';
import { WindowRate } from './window-rate.js';

/** Upper bounds (ms) of the end-to-end latency histogram buckets. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000] as const;

/** Max and average of a series of observations since start. */
export class MaxAvg {
  max = 0;
  sum = 0;
  count = 0;
  observe(value: number): void {
    if (value > this.max) this.max = value;
    this.sum += value;
    this.count++;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

/** Cumulative histogram with fixed bucket bounds (Prometheus semantics: each bucket counts values ≤ bound). */
export class Histogram {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
  /** Cumulative count of observations ≤ bounds[i]. */
  cumulative(i: number): number {
    let c = 0;
    for (let j = 0; j <= i; j++) c += this.counts[j]!;
    return c;
  }
  /** Approximate quantile (upper bound of the bucket that holds it; Infinity beyond the last bound). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const target = q * this.count;
    let c = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      c += this.counts[i]!;
      if (c >= target) return this.bounds[i]!;
    }
    return Number.POSITIVE_INFINITY;
  }
}

export type TaskKind = 'source' | 'sink';

/**
 * Counters of one task. The task runners update plain fields on their hot paths (no label lookups); the
 * registry renders them as Prometheus text and JSON. Names follow Kafka Connect's metric names.
 */
export class TaskMetrics {
  readonly connector: string;
  readonly task: number;
  readonly kind: TaskKind;

  status = 'UNASSIGNED';
  readonly startedAt = Date.now();

  // source-task-metrics
  readonly pollRate = new WindowRate();
  readonly writeRate = new WindowRate();
  sourceRecordWriteBytes = 0;
  sourceRecordActiveCount = 0;
  readonly pollBatchTimeMs = new MaxAvg();

  // sink-task-metrics
  readonly readRate = new WindowRate();
  readonly sendRate = new WindowRate();
  sinkRecordReadBytes = 0;
  readonly putBatchTimeMs = new MaxAvg();
  partitionCount = 0;
  readonly lagByQueue = new Map<string, number>();
  readonly latencyMs = new Histogram(LATENCY_BUCKETS_MS);

  // connector-task-metrics
  readonly batchSize = new MaxAvg();
  offsetCommitSuccess = 0;
  offsetCommitFailure = 0;
  offsetCommitSeqNo = 0;
  readonly offsetCommitTimeMs = new MaxAvg();

  // task-error-metrics
  totalRecordFailures = 0;
  totalRecordErrors = 0;
  totalRecordsSkipped = 0;
  totalRetries = 0;
  totalErrorsLogged = 0;
  deadLetterQueueProduceRequests = 0;
  deadLetterQueueProduceFailures = 0;
  lastErrorTimestamp = 0;

  /** Metrics the connector reports itself (context.metrics), by name. */
  readonly custom = new Map<string, { kind: 'gauge' | 'counter'; value: number; help: string }>();

  /** The reporter handed to the plugin task through its context. */
  readonly reporter: TaskMetricsReporter = {
    gauge: (name, value, help) => {
      this.#custom(name, 'gauge', help).value = value;
    },
    count: (name, delta = 1, help) => {
      this.#custom(name, 'counter', help).value += delta;
    },
  };

  constructor(connector: string, task: number, kind: TaskKind) {
    this.connector = connector;
    this.task = task;
    this.kind = kind;
  }

  #custom(name: string, kind: 'gauge' | 'counter', help: string | undefined) {
    let m = this.custom.get(name);
    if (m === undefined) {
      if (!METRIC_NAME_RE.test(name)) {
        throw new ConnectError(
          `metric name '${name}' must be lowercase words joined by '_' (e.g. snapshot_rows_total)`,
        );
      }
      m = { kind, value: 0, help: help ?? name.replaceAll('_', ' ') };
      this.custom.set(name, m);
    }
    return m;
  }

  recordsPolled(count: number, batchTimeMs: number): void {
    this.pollRate.mark(count);
    this.pollBatchTimeMs.observe(batchTimeMs);
    if (count > 0) this.batchSize.observe(count);
  }

  recordsWritten(count: number, bytes: number): void {
    this.writeRate.mark(count);
    this.sourceRecordWriteBytes += bytes;
  }

  recordsRead(count: number, bytes: number): void {
    this.readRate.mark(count);
    this.sinkRecordReadBytes += bytes;
    if (count > 0) this.batchSize.observe(count);
  }

  recordsPut(count: number, batchTimeMs: number): void {
    this.sendRate.mark(count);
    this.putBatchTimeMs.observe(batchTimeMs);
  }

  offsetCommitted(ok: boolean, timeMs: number): void {
    if (ok) this.offsetCommitSuccess++;
    else this.offsetCommitFailure++;
    this.offsetCommitSeqNo++;
    this.offsetCommitTimeMs.observe(timeMs);
  }

  recordError(): void {
    this.totalRecordErrors++;
    this.lastErrorTimestamp = Date.now();
  }

  /** Max lag over the task's queues. */
  get sinkRecordLagMax(): number {
    let max = 0;
    for (const lag of this.lagByQueue.values()) if (lag > max) max = lag;
    return max;
  }

  /** A plain snapshot for `GET /connectors/{name}/metrics`. */
  toJSON(): Record<string, unknown> {
    const common = {
      task: this.task,
      type: this.kind,
      status: this.status,
      'batch-size-max': this.batchSize.max,
      'batch-size-avg': round(this.batchSize.avg),
      'offset-commit-success-total': this.offsetCommitSuccess,
      'offset-commit-failure-total': this.offsetCommitFailure,
      'offset-commit-success-percentage': percentage(this.offsetCommitSuccess, this.offsetCommitFailure),
      'offset-commit-max-time-ms': this.offsetCommitTimeMs.max,
      'offset-commit-avg-time-ms': round(this.offsetCommitTimeMs.avg),
      'total-record-failures': this.totalRecordFailures,
      'total-record-errors': this.totalRecordErrors,
      'total-records-skipped': this.totalRecordsSkipped,
      'total-retries': this.totalRetries,
      'total-errors-logged': this.totalErrorsLogged,
      'deadletterqueue-produce-requests': this.deadLetterQueueProduceRequests,
      'deadletterqueue-produce-failures': this.deadLetterQueueProduceFailures,
      'last-error-timestamp': this.lastErrorTimestamp,
      ...(this.custom.size === 0
        ? {}
        : { connector: Object.fromEntries([...this.custom].map(([k, v]) => [k, v.value])) }),
    };
    if (this.kind === 'source') {
      return {
        ...common,
        'source-record-poll-total': this.pollRate.total,
        'source-record-poll-rate': round(this.pollRate.rate()),
        'source-record-write-total': this.writeRate.total,
        'source-record-write-rate': round(this.writeRate.rate()),
        'source-record-write-bytes-total': this.sourceRecordWriteBytes,
        'source-record-active-count': this.sourceRecordActiveCount,
        'poll-batch-max-time-ms': this.pollBatchTimeMs.max,
        'poll-batch-avg-time-ms': round(this.pollBatchTimeMs.avg),
      };
    }
    return {
      ...common,
      'sink-record-read-total': this.readRate.total,
      'sink-record-read-rate': round(this.readRate.rate()),
      'sink-record-read-bytes-total': this.sinkRecordReadBytes,
      'sink-record-send-total': this.sendRate.total,
      'sink-record-send-rate': round(this.sendRate.rate()),
      'sink-record-lag-max': this.sinkRecordLagMax,
      'sink-record-lag': Object.fromEntries(this.lagByQueue),
      'partition-count': this.partitionCount,
      'put-batch-max-time-ms': this.putBatchTimeMs.max,
      'put-batch-avg-time-ms': round(this.putBatchTimeMs.avg),
      'offset-commit-seq-no': this.offsetCommitSeqNo,
      'record-latency-ms': {
        count: this.latencyMs.count,
        avg: this.latencyMs.count === 0 ? 0 : round(this.latencyMs.sum / this.latencyMs.count),
        p50: this.latencyMs.quantile(0.5),
        p99: this.latencyMs.quantile(0.99),
      },
    };
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function percentage(ok: number, failed: number): number {
  const total = ok + failed;
  return total === 0 ? 0 : round((ok / total) * 100);
}
