import { InvalidArgumentError } from 'commander';

/** Accumulates `key=value` arguments into a map (for repeatable options). */
export function parseKeyValue(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}
