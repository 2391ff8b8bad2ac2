/**
 * Task-level metrics a connector reports about its own work (snapshot progress, lag behind the source,
 * queue depths), exported by the runtime next to its own task metrics: Prometheus families
 * `tributary_task_<name>` with the labels `connector`, `task`, `worker`, and the task's entry in
 * `GET /connectors/{name}/metrics`.
 *
 * Names are lowercase words joined by `_` (e.g. `snapshot_rows_total`). Reporting is cheap (a map write);
 * call it as often as the value changes.
 */
export interface TaskMetricsReporter {
  /** Sets a value that can go up and down (rows left to snapshot, seconds behind the source). */
  gauge(name: string, value: number, help?: string): void;
  /** Adds to a value that only grows (rows snapshotted, events skipped). */
  count(name: string, delta?: number, help?: string): void;
}

/** A reporter that drops everything; for unit tests of plugins. */
export const noopMetrics: TaskMetricsReporter = Object.freeze({ gauge: () => {}, count: () => {} });

/** Valid custom metric names. */
export const METRIC_NAME_RE = /^[a-z][a-z0-9_]*$/;
