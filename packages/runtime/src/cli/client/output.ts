/** Writes a value as pretty JSON (the `--json` output). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints lines to stdout. */
export function println(...lines: string[]): void {
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
}

/**
 * Renders rows as an aligned text table with a header line. Cells are single-line (newlines become
 * spaces) and cut at `maxCell` characters.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly unknown[])[], maxCell = 80): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v).replace(/\s*\n\s*/g, ' ');
    return text.length > maxCell ? `${text.slice(0, maxCell - 1)}…` : text;
  };
  const all = [headers.map(cell), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The first line of a stack trace (status traces are long). */
export function firstLine(text: string | undefined): string {
  return text === undefined ? '' : (text.split('\n')[0] ?? '');
}
