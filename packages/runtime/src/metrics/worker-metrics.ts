import { collectDefaultMetrics, Registry } from 'prom-client';
import { type TaskKind, TaskMetrics } from './task-metrics.js';

/** Per-connector facts exported as metrics. */
export interface ConnectorMetrics {
  status: string;
  readonly connectorClass: string;
  readonly type: string;
  readonly version: string;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** Which tasks it applies to. */
  readonly kinds: readonly TaskKind[];
  readonly value: (m: TaskMetrics) => number;
}

const c = (name: string, help: string, kinds: readonly TaskKind[], value: (m: TaskMetrics) => number): Family => ({
  name,
  help,
  type: 'counter',
  kinds,
  value,
});
const g = (name: string, help: string, kinds: readonly TaskKind[], value: (m: TaskMetrics) => number): Family => ({
  name,
  help,
  type: 'gauge',
  kinds,
  value,
});
const SOURCE: readonly TaskKind[] = ['source'];
const SINK: readonly TaskKind[] = ['sink'];
const BOTH: readonly TaskKind[] = ['source', 'sink'];

/** Task metric families, named after Kafka Connect's metrics (dashes become underscores). */
const FAMILIES: readonly Family[] = [
  c(
    'source_record_poll_total',
    'Records produced by the task poll (before transforms).',
    SOURCE,
    (m) => m.pollRate.total,
  ),
  g('source_record_poll_rate', 'Records polled per second over the last minute.', SOURCE, (m) => m.pollRate.rate()),
  c('source_record_write_total', 'Records written to the broker (after transforms).', SOURCE, (m) => m.writeRate.total),
  g('source_record_write_rate', 'Records written per second over the last minute.', SOURCE, (m) => m.writeRate.rate()),
  c(
    'source_record_write_bytes_total',
    'Bytes of records written to the broker.',
    SOURCE,
    (m) => m.sourceRecordWriteBytes,
  ),
  g(
    'source_record_active_count',
    'Records polled but not yet acknowledged by the broker.',
    SOURCE,
    (m) => m.sourceRecordActiveCount,
  ),
  g('poll_batch_max_time_ms', 'Longest poll, in ms.', SOURCE, (m) => m.pollBatchTimeMs.max),
  g('poll_batch_avg_time_ms', 'Average poll time, in ms.', SOURCE, (m) => m.pollBatchTimeMs.avg),
  c('sink_record_read_total', 'Records read from the broker.', SINK, (m) => m.readRate.total),
  g('sink_record_read_rate', 'Records read per second over the last minute.', SINK, (m) => m.readRate.rate()),
  c('sink_record_read_bytes_total', 'Bytes of records read from the broker.', SINK, (m) => m.sinkRecordReadBytes),
  c('sink_record_send_total', 'Records passed to put (after transforms).', SINK, (m) => m.sendRate.total),
  g('sink_record_send_rate', 'Records put per second over the last minute.', SINK, (m) => m.sendRate.rate()),
  g('sink_record_lag_max', 'Largest lag (records not yet read) over the task queues.', SINK, (m) => m.sinkRecordLagMax),
  g('partition_count', 'Queues assigned to the task.', SINK, (m) => m.partitionCount),
  g('put_batch_max_time_ms', 'Longest put, in ms.', SINK, (m) => m.putBatchTimeMs.max),
  g('put_batch_avg_time_ms', 'Average put time, in ms.', SINK, (m) => m.putBatchTimeMs.avg),
  c('offset_commit_seq_no', 'Offset commits attempted.', SINK, (m) => m.offsetCommitSeqNo),
  g('batch_size_max', 'Largest batch.', BOTH, (m) => m.batchSize.max),
  g('batch_size_avg', 'Average batch size.', BOTH, (m) => m.batchSize.avg),
  c('offset_commit_success_total', 'Successful offset commits.', BOTH, (m) => m.offsetCommitSuccess),
  c('offset_commit_failure_total', 'Failed offset commits.', BOTH, (m) => m.offsetCommitFailure),
  g('offset_commit_max_time_ms', 'Longest offset commit, in ms.', BOTH, (m) => m.offsetCommitTimeMs.max),
  g('offset_commit_avg_time_ms', 'Average offset commit time, in ms.', BOTH, (m) => m.offsetCommitTimeMs.avg),
  c(
    'total_record_failures',
    'Record processing failures (including retried ones).',
    BOTH,
    (m) => m.totalRecordFailures,
  ),
  c('total_record_errors', 'Records that failed after retries.', BOTH, (m) => m.totalRecordErrors),
  c(
    'total_records_skipped',
    'Records skipped because of errors (errors.tolerance=all).',
    BOTH,
    (m) => m.totalRecordsSkipped,
  ),
  c('total_retries', 'Retries of failed operations.', BOTH, (m) => m.totalRetries),
  c('total_errors_logged', 'Errors written to the log.', BOTH, (m) => m.totalErrorsLogged),
  c(
    'deadletterqueue_produce_requests',
    'Records sent to the dead-letter topic.',
    BOTH,
    (m) => m.deadLetterQueueProduceRequests,
  ),
  c(
    'deadletterqueue_produce_failures',
    'Failed sends to the dead-letter topic.',
    BOTH,
    (m) => m.deadLetterQueueProduceFailures,
  ),
  g('last_error_timestamp', 'Epoch ms of the last record error (0 = none).', BOTH, (m) => m.lastErrorTimestamp),
];

const PREFIX = 'tributary_';

/**
 * The metrics of one worker: task counters, connector facts and process metrics (prom-client defaults),
 * rendered as Prometheus text (`GET /metrics`) and JSON (`GET /connectors/{name}/metrics`).
 * Labels: `connector`, `task`, `worker`.
 */
export class WorkerMetrics {
  readonly workerId: string;
  readonly #tasks = new Map<string, TaskMetrics>();
  readonly #connectors = new Map<string, ConnectorMetrics>();
  readonly #process = new Registry();

  constructor(workerId: string, options: { processMetrics?: boolean } = {}) {
    this.workerId = workerId;
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.#process, prefix: PREFIX });
  }

  /** The counters of a task, created on first use (a restarted task keeps its totals). */
  task(connector: string, task: number, kind: TaskKind): TaskMetrics {
    const key = `${connector}\u0000${task}`;
    let m = this.#tasks.get(key);
    if (m === undefined || m.kind !== kind) {
      m = new TaskMetrics(connector, task, kind);
      this.#tasks.set(key, m);
    }
    return m;
  }

  connector(name: string, facts: ConnectorMetrics): ConnectorMetrics {
    this.#connectors.set(name, facts);
    return facts;
  }

  /** Forgets a connector and its tasks (connector deleted). */
  removeConnector(name: string): void {
    this.#connectors.delete(name);
    for (const [key, m] of this.#tasks) if (m.connector === name) this.#tasks.delete(key);
  }

  /** Forgets tasks numbered ≥ `taskCount` (after a reconfiguration with fewer tasks). */
  removeTasksFrom(connector: string, taskCount: number): void {
    for (const [key, m] of this.#tasks) if (m.connector === connector && m.task >= taskCount) this.#tasks.delete(key);
  }

  tasksOf(connector: string): TaskMetrics[] {
    return [...this.#tasks.values()].filter((m) => m.connector === connector).sort((a, b) => a.task - b.task);
  }

  /** JSON for one connector: its facts and each task's counters. */
  connectorJson(name: string): Record<string, unknown> {
    const facts = this.#connectors.get(name);
    return {
      connector: name,
      worker: this.workerId,
      ...(facts === undefined
        ? {}
        : {
            status: facts.status,
            'connector-class': facts.connectorClass,
            'connector-type': facts.type,
            'connector-version': facts.version,
          }),
      tasks: this.tasksOf(name).map((m) => m.toJSON()),
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  async prometheus(): Promise<string> {
    const out: string[] = [];
    const w = escapeLabel(this.workerId);
    const tasks = [...this.#tasks.values()];
    for (const f of FAMILIES) {
      const name = PREFIX + f.name;
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const m of tasks) {
        if (!f.kinds.includes(m.kind)) continue;
        out.push(`${name}{${taskLabels(m, w)}} ${formatNumber(f.value(m))}`);
      }
    }
    const lag = `${PREFIX}sink_record_lag`;
    out.push(`# HELP ${lag} Records not yet read, per queue.`, `# TYPE ${lag} gauge`);
    for (const m of tasks) {
      for (const [queue, value] of m.lagByQueue) {
        const slash = queue.lastIndexOf('/');
        out.push(
          `${lag}{${taskLabels(m, w)},topic="${escapeLabel(queue.slice(0, slash))}",queue="${queue.slice(slash + 1)}"} ${value}`,
        );
      }
    }
    const latency = `${PREFIX}sink_record_latency_ms`;
    out.push(
      `# HELP ${latency} End-to-end latency from record timestamp to put, in ms.`,
      `# TYPE ${latency} histogram`,
    );
    for (const m of tasks) {
      if (m.kind !== 'sink') continue;
      const labels = taskLabels(m, w);
      const h = m.latencyMs;
      let cumulative = 0;
      for (let i = 0; i < h.bounds.length; i++) {
        cumulative += h.counts[i]!;
        out.push(`${latency}_bucket{${labels},le="${h.bounds[i]}"} ${cumulative}`);
      }
      out.push(
        `${latency}_bucket{${labels},le="+Inf"} ${h.count}`,
        `${latency}_sum{${labels}} ${h.sum}`,
        `${latency}_count{${labels}} ${h.count}`,
      );
    }
    // Metrics connectors report about their own work (context.metrics), one family per name.
    const custom = new Map<string, { kind: string; help: string; lines: string[] }>();
    for (const m of tasks) {
      for (const [name, c] of m.custom) {
        const family = custom.get(name) ?? { kind: c.kind, help: c.help, lines: [] };
        family.lines.push(`${PREFIX}task_${name}{${taskLabels(m, w)}} ${formatNumber(c.value)}`);
        custom.set(name, family);
      }
    }
    for (const [name, f] of [...custom].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`# HELP ${PREFIX}task_${name} ${f.help}`, `# TYPE ${PREFIX}task_${name} ${f.kind}`, ...f.lines);
    }
    const status = `${PREFIX}task_status`;
    out.push(`# HELP ${status} 1 for the task's current state.`, `# TYPE ${status} gauge`);
    for (const m of tasks) out.push(`${status}{${taskLabels(m, w)},state="${m.status}"} 1`);
    const cstatus = `${PREFIX}connector_status`;
    out.push(`# HELP ${cstatus} 1 for the connector's current state.`, `# TYPE ${cstatus} gauge`);
    for (const [name, facts] of this.#connectors) {
      out.push(
        `${cstatus}{connector="${escapeLabel(name)}",worker="${w}",state="${facts.status}",type="${facts.type}",connector_class="${escapeLabel(facts.connectorClass)}",connector_version="${escapeLabel(facts.version)}"} 1`,
      );
    }
    const counts = `${PREFIX}connector_count`;
    out.push(
      `# HELP ${counts} Connectors on this worker.`,
      `# TYPE ${counts} gauge`,
      `${counts}{worker="${w}"} ${this.#connectors.size}`,
    );
    const tcount = `${PREFIX}task_count`;
    out.push(
      `# HELP ${tcount} Tasks on this worker.`,
      `# TYPE ${tcount} gauge`,
      `${tcount}{worker="${w}"} ${tasks.length}`,
    );
    return `${out.join('\n')}\n${await this.#process.metrics()}`;
  }
}

function taskLabels(m: TaskMetrics, worker: string): string {
  return `connector="${escapeLabel(m.connector)}",task="${m.task}",worker="${worker}"`;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isInteger(n) ? String(n) : n.toFixed(3);
}
