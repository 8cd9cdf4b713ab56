// The `opencloud` command. Exit codes: 0 success, 1 invalid input or a failed run, 2 usage errors.
// No stack trace reaches the operator unless OPENCLOUD_DEBUG is set.
import { Command, CommanderError } from 'commander';
import { registerBootstrap } from './commands/bootstrap.ts';
import { registerDiagram } from './commands/diagram.ts';
import { registerDiff } from './commands/diff.ts';
import { registerPreflight } from './commands/preflight.ts';
import { registerClientConfig } from './commands/client-config.ts';
import { registerStatus } from './commands/status.ts';
import { registerValidate } from './commands/validate.ts';
import { InventoryFileError } from './inventory/load.ts';
import { InventoryError } from './inventory/diagnostic.ts';
import { CliError } from './cli-error.ts';
import { printable } from './remote/printable.ts';

export function buildProgram(out: (line: string) => void): Command {
  const program = new Command('opencloud')
    .description('Provision OpenCloud-style OpenStack clusters from one YAML inventory per cluster.')
    .showHelpAfterError('(run opencloud --help for usage)')
    .exitOverride();

  // Each command registers itself; every error reaches reportError below.
  registerValidate(program, out);
  registerBootstrap(program, out);
  registerPreflight(program, out);
  registerClientConfig(program, out);
  registerStatus(program, out);
  registerDiff(program, out);
  registerDiagram(program, out);

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Commands print remote text (unit messages, errors quoting stderr): never its control characters.
  const out = (line: string) => process.stdout.write(`${printable(line)}\n`);
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed the message or the help text.
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
  }
  if (err instanceof InventoryFileError) {
    process.stderr.write(`opencloud: ${printable(err.message)}\n`);
    return 2;
  }
  if (err instanceof InventoryError) {
    process.stdout.write(`${err.message}\n`);
    return 1;
  }
  if (err instanceof CliError) {
    process.stderr.write(`opencloud: ${printable(err.message)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`opencloud: ${printable(message)}\n`);
  if (process.env.OPENCLOUD_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
