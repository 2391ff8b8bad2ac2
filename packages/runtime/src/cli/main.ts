import { errorTrace } from '@tributary/api';
import { Command, Option } from 'commander';
import { connectorsCommand } from './client/connectors-command.js';
import { pluginsCommand } from './client/plugins-command.js';
import { distributedCommand } from './distributed-command.js';
import { standaloneCommand } from './standalone-command.js';

/** Exit codes of the CLI. */
export const ExitCode = {
  OK: 0,
  /** An operation failed (unreachable worker, server error). */
  FAILURE: 1,
  /** The command line or a config file is invalid. */
  USAGE: 2,
  /** The worker answered that the thing does not exist. */
  NOT_FOUND: 3,
} as const;

export function buildProgram(): Command {
  const program = new Command('tributary')
    .description('Tributary: streaming data integration — connectors, transforms and a worker runtime')
    .showHelpAfterError()
    .addOption(new Option('--version', 'print the version').hideHelp());
  program.addCommand(standaloneCommand());
  program.addCommand(distributedCommand());
  program.addCommand(connectorsCommand());
  program.addCommand(pluginsCommand());
  return program;
}

/** Entry point of the `tributary` binary. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
      process.exitCode = ExitCode.OK;
      return;
    }
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = ExitCode.USAGE;
      return;
    }
    console.error(`tributary: ${(e as Error).message ?? errorTrace(e)}`);
    process.exitCode = (e as { exitCode?: number }).exitCode ?? ExitCode.FAILURE;
  }
}
