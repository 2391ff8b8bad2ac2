// Command-line options of the benchmark scripts: `--name value` pairs and `--flag` switches.
const argv = process.argv.slice(2);

/** The text after `--name`, or `fallback` when the option is absent. */
export function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** The number after `--name`, or `fallback` when the option is absent. */
export function numberOption(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** Whether the switch `--name` is given. */
export function flag(name) {
  return argv.includes(`--${name}`);
}
