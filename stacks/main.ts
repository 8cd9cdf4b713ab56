// The cdktf app (cdktf.json runs it): one ClusterStack per inventory, or the one named by
// OPENCLOUD_INVENTORY=FILE. `--summary` (npm start) prints what each stack holds.
// Exit codes: 0 written, 1 invalid inventory or policy failure (nothing written), 2 unreadable file.
import { InventoryError, formatText } from '../src/inventory/diagnostic.ts';
import { InventoryFileError } from '../src/inventory/load.ts';
import { loadClusters, selectInventories, synthesize, SynthesisError } from './app.ts';
import { PropsError } from './props.ts';
import { formatSummary, summarizeStack } from './summary.ts';

export function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const models = loadClusters(selectInventories(env));
    const { outdir } = synthesize(models);
    if (argv.includes('--summary')) {
      for (const m of models) for (const line of formatSummary(summarizeStack(outdir, m.name))) process.stdout.write(`${line}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof InventoryError) {
      e.diagnostics.forEach((d) => err(formatText(d)));
      return 1;
    }
    if (e instanceof InventoryFileError) {
      err(`opencloud: ${e.message}`);
      return 2;
    }
    if (e instanceof SynthesisError || e instanceof PropsError) {
      err(`opencloud: ${e.message}`);
      return 1;
    }
    // Anything else is a bug: the message always, the stack trace on request.
    err(`opencloud: ${env.OPENCLOUD_DEBUG ? (e as Error).stack : (e as Error).message ?? String(e)}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
