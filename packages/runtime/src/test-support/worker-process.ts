/**
 * Runs `tributary standalone` as a separate OS process for crash tests: start, SIGTERM, kill -9.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

export class WorkerProcess {
  readonly args: readonly string[];
  #child: ChildProcess | null = null;
  #output = '';

  constructor(args: readonly string[]) {
    this.args = args;
  }

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process; resolves once it printed that it runs (or rejects when it exits first). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error('already running');
    const child = spawn(process.execPath, ['--enable-source-maps', CLI, ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const ready = new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(
        () => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${this.#output.slice(-4000)}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        this.#output += chunk.toString('utf8');
        // Keep the last half megabyte; a chatty worker must not grow the test process without bound.
        if (this.#output.length > 1_000_000) this.#output = this.#output.slice(-500_000);
        if (!started && /Tributary worker .* running/.test(this.#output)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code ?? signal}) before it ran:\n${this.#output.slice(-4000)}`));
      });
    });
    await ready;
  }

  /** kill -9: no chance to flush or commit. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === null || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: graceful stop (flush, commit); resolves with the exit code. */
  async terminate(timeoutMs = 60_000): Promise<number | null> {
    const child = this.#child;
    if (child === null || !this.running) return child?.exitCode ?? null;
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code] = await exited;
    clearTimeout(timer);
    return code;
  }
}
