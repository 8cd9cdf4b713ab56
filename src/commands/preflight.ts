// `opencloud preflight <cluster> [--outputs FILE] [--concurrency N] [--accept-new-host-keys]`:
// the preflight step alone: every compute node's measured hardware against the minimums and its
// declared hardware, a table per node. Changes nothing. Exit 0 when every node passes, 1 otherwise,
// 130/143 when stopped by SIGINT/SIGTERM.
import { Command, Option } from 'commander';
import { bootstrap } from '../bootstrap/bootstrap.ts';
import { STEPS } from '../bootstrap/steps/index.ts';
import { clusterModel, clusterOutputs, positiveInt } from './cluster-argument.ts';
import { interruptionOf, stopOnSignal } from './stop-on-signal.ts';

/** The registry's id of the preflight step, the only one this command runs. */
const PREFLIGHT_STEP = 'preflight';

interface PreflightCommandOptions {
  outputs?: string;
  concurrency: number;
  acceptNewHostKeys?: boolean;
}

export function registerPreflight(program: Command, out: (line: string) => void): void {
  program
    .command('preflight')
    .description("compare each compute node's real hardware and OS with the minimums and its declared hardware (reads only)")
    .argument('<cluster>', 'cluster name (the `name` of an inventory/*.yaml) or an inventory file')
    .option('--outputs <file>', 'stack outputs from `cdktf deploy --outputs-file FILE` (managed controllers)')
    .addOption(new Option('--concurrency <n>', 'nodes checked at once').argParser(positiveInt).default(10))
    .option('--accept-new-host-keys', 'record the keys of hosts not yet in ssh.knownHostsFile (trust on first use); changed keys are still refused')
    .action(async (cluster: string, opts: PreflightCommandOptions, cmd: Command) => {
      const model = clusterModel(cluster);
      // Preflight only talks to compute nodes, but resolving a managed controller's hosts needs the outputs.
      const outputs = clusterOutputs(model, opts.outputs);
      await stopOnSignal(async (signal) => {
        const result = await bootstrap({
          model,
          ...(outputs ? { outputs } : {}),
          steps: STEPS,
          only: [PREFLIGHT_STEP],
          dryRun: false, // preflight only reads: its check never asks for a change
          concurrency: opts.concurrency,
          acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
          live: false, // the tables are the output: plain lines
          out,
          signal,
        });
        process.exitCode = interruptionOf(signal)?.exitCode ?? (result.failed ? 1 : 0);
      });
    });
}
