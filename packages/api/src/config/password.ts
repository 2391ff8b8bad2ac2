const HIDDEN = '[hidden]';

/**
 * A secret configuration value. It prints, serializes and inspects as `[hidden]`, so it cannot leak
 * into logs, REST answers or error messages by accident; call {@link reveal} where the secret is used.
 */
export class Password {
  static readonly HIDDEN = HIDDEN;
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Use it only to authenticate, never to print. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return HIDDEN;
  }

  equals(other: unknown): boolean {
    return other instanceof Password && other.#value === this.#value;
  }
}
