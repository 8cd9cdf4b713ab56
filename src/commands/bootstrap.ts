// `opencloud bootstrap <cluster> [--outputs FILE] [--only STEP] [--dry-run] [--concurrency N]
// [--accept-new-host-keys]`: runs the bootstrap steps over SSH on the cluster's hosts.
// Exit 0 when every step is ok or changed, 1 when a step failed or an input is missing or garbled,
// 2 on usage errors, 130/143 when stopped by SIGINT/SIGTERM (after its recap).
import { Command, Option } from 'commander';
import { bootstrap } from '../bootstrap/bootstrap.ts';
import { STEPS } from '../bootstrap/steps/index.ts';
import { clusterModel, clusterOutputs, positiveInt } from './cluster-argument.ts';
import { interruptionOf, stopOnSignal } from './stop-on-signal.ts';

export interface BootstrapCommandOptions {
  outputs?: string;
  only?: string[];
  dryRun?: boolean;
  concurrency: number;
  acceptNewHostKeys?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter(Boolean)];
}

export function registerBootstrap(program: Command, out: (line: string) => void): void {
  program
    .command('bootstrap')
    .description('configure the cluster hosts over SSH (idempotent; a second run changes nothing)')
    .argument('<cluster>', 'cluster name (the `name` of an inventory/*.yaml) or an inventory file')
    .option('--outputs <file>', 'stack outputs from `cdktf deploy --outputs-file FILE` (managed controllers)')
    .option('--only <step>', `run only this step (repeatable; steps: ${STEPS.map((s) => s.id).join(', ')})`, collect)
    .option('--dry-run', 'run the read-only checks and print each command that would run; change nothing')
    .addOption(new Option('--concurrency <n>', 'hosts worked on at once').argParser(positiveInt).default(10))
    .option('--accept-new-host-keys', 'record the keys of hosts not yet in ssh.knownHostsFile (trust on first use); changed keys are still refused')
    .action(async (cluster: string, opts: BootstrapCommandOptions, cmd: Command) => {
      // Bootstrap has Juju add the hosts: an inventory Juju cannot serve is refused here.
      const model = clusterModel(cluster, 'inventory', { forJuju: true });
      if (opts.only) {
        const unknown = opts.only.filter((id) => !STEPS.some((s) => s.id === id));
        if (unknown.length) cmd.error(`opencloud bootstrap: unknown step ${unknown.join(', ')}; steps: ${STEPS.map((s) => s.id).join(', ')}`, { exitCode: 2, code: 'opencloud.unknownStep' });
      }
      const outputs = clusterOutputs(model, opts.outputs);
      await stopOnSignal(async (signal) => {
        const result = await bootstrap({
          model,
          ...(outputs ? { outputs } : {}),
          steps: STEPS,
          ...(opts.only ? { only: opts.only } : {}),
          dryRun: opts.dryRun ?? false,
          concurrency: opts.concurrency,
          acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
          out,
          signal,
        });
        process.exitCode = interruptionOf(signal)?.exitCode ?? (result.failed ? 1 : 0);
      });
    });
}
