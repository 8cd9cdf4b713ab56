// `opencloud status <cluster> [--outputs FILE] [--json] [--connect-timeout SECONDS] [--verbose]`:
// the operator's view over SSH, read-only: each host reachable or not, each Juju unit's agent
// state, and for a managed controller the router's forwards and each forwarded port open from
// the router. Exit 0 when everything is up, 1 when anything is down or unreachable (or an input
// file is unreadable), 2 on usage errors, 130/143 when stopped by SIGINT/SIGTERM (no tables then).
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatStatusJson } from '../status/format-json.ts';
import { formatStatusTables } from '../status/format-table.ts';
import { collectStatus } from '../status/status-report.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../status/status-sessions.ts';
import { printable } from '../remote/printable.ts';
import { clusterModel, clusterOutputs } from './cluster-argument.ts';
import { CliError } from '../cli-error.ts';
import { interruptionOf, stopOnSignal } from './stop-on-signal.ts';

interface StatusCommandOptions {
  outputs?: string;
  json?: boolean;
  connectTimeout: number;
  verbose?: boolean;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 0.1 || n > 120) throw new InvalidArgumentError('must be a number of seconds from 0.1 to 120');
  return n;
}

export function registerStatus(program: Command, out: (line: string) => void): void {
  program
    .command('status')
    .description('is the cluster up? hosts over SSH, Juju units, router forwards and client ports (reads only)')
    .argument('<cluster>', 'cluster name (the `name` of an inventory/*.yaml) or an inventory file')
    .option('--outputs <file>', 'stack outputs from `cdktf deploy --outputs-file FILE` (managed controllers)')
    .option('--json', 'print the checks as JSON instead of tables')
    .addOption(
      new Option('--connect-timeout <seconds>', 'SSH handshake limit per host (one attempt, no retries)')
        .argParser(seconds)
        .default(DEFAULT_CONNECT_TIMEOUT_MS / 1000),
    )
    .option('--verbose', 'print every remote command on standard error')
    .action(async (clusterArg: string, opts: StatusCommandOptions, cmd: Command) => {
      const model = clusterModel(clusterArg);
      const outputs = clusterOutputs(model, opts.outputs);
      const report = await stopOnSignal(async (signal) => {
        const collected = await collectStatus({
          model,
          ...(outputs ? { outputs } : {}),
          connectTimeoutMs: Math.round(opts.connectTimeout * 1000),
          // Standard error, so --json output stays one parseable document.
          ...(opts.verbose ? { onCommand: (line: string) => process.stderr.write(`${printable(line)}\n`) } : {}),
          signal,
        });
        // Checks cut short would read as "down": say it was stopped instead.
        const stopped = interruptionOf(signal);
        if (stopped) throw new CliError(`status of ${model.name} ${stopped.message} after ${(collected.elapsedMs / 1000).toFixed(1)} s; no result`, stopped.exitCode);
        return collected;
      });
      if (opts.json) out(formatStatusJson(report));
      else for (const line of formatStatusTables(report)) out(line);
      process.exitCode = report.up ? 0 : 1;
    });
}
