import type { ConnectRecord, Predicate, Transformation } from '@tributary/api';

/** One configured transform of a chain, with its optional condition (`transforms.<alias>.predicate/negate`). */
export interface TransformationStage {
  readonly transform: Transformation;
  /** Runs the transform only on records this predicate accepts (or rejects, with `negate`); none = always. */
  readonly predicate?: Predicate | null | undefined;
  /** Inverts the predicate (`transforms.<alias>.negate`); ignored without a predicate. */
  readonly negate?: boolean | undefined;
  /** The transform's alias in the connector config, for logs and error context. */
  readonly alias?: string | undefined;
}

/**
 * Applies transforms in order, as Kafka Connect's TransformationChain: each stage whose predicate holds
 * (`predicate.test(record) !== negate`) transforms the record; a stage returning null drops the record
 * and stops the chain. Pure: no retries or error tolerance (the runtime wraps `apply` for those), and
 * errors from a stage propagate unchanged.
 */
export class TransformationChain {
  readonly #stages: readonly TransformationStage[];

  constructor(stages: readonly TransformationStage[]) {
    this.#stages = Object.freeze([...stages]);
  }

  /** The stages, in order. */
  get stages(): readonly TransformationStage[] {
    return this.#stages;
  }

  /**
   * Runs the record through every stage.
   * @returns the transformed record, or null when a stage dropped it.
   * @throws whatever a transform or predicate throws (DataError for records of the wrong shape).
   */
  apply<R extends ConnectRecord>(record: R): R | null {
    let current: R | null = record;
    for (const stage of this.#stages) {
      const p = stage.predicate;
      if (p !== null && p !== undefined && p.test(current) === (stage.negate ?? false)) continue;
      current = stage.transform.apply(current);
      if (current === null) return null;
    }
    return current;
  }

  /**
   * Closes every transform and predicate once (a predicate may serve several stages), even when some
   * close fails.
   * @throws the first error raised by a close, after all were attempted.
   */
  close(): void {
    const closed = new Set<Transformation | Predicate>();
    let first: unknown;
    let failed = false;
    for (const stage of this.#stages) {
      for (const part of [stage.transform, stage.predicate]) {
        if (part === null || part === undefined || closed.has(part)) continue;
        closed.add(part);
        try {
          part.close?.();
        } catch (err) {
          if (!failed) first = err;
          failed = true;
        }
      }
    }
    if (failed) throw first;
  }
}
