// Registers the review commands (diff, diagram) on the `opencloud` program. Their own errors
// are reported here, so the CLI module needs no knowledge of them.
import { Option, type Command } from 'commander';
import { diagram, DIAGRAM_FORMATS, type DiagramFormat } from './diagram.ts';
import { diff, DIFF_FORMATS, type DiffFormat } from './diff.ts';
import { ReviewError } from '../review/review-error.ts';

export function registerReviewCommands(program: Command, out: (line: string) => void): void {
  program
    .command('diff')
    .description('compare what two versions of the repository synthesize, per stack, without terraform')
    .option('--base <ref|dir>', 'git ref (synthesized in a temporary worktree) or synthesized cdktf.out directory', 'HEAD')
    .option('--head <dir>', 'synthesized cdktf.out directory (default: synthesize the working tree)')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .option('--exit-code', 'exit 1 when anything changed, like git diff --exit-code', false)
    .action(async (opts: { base: string; head?: string; format: DiffFormat; exitCode: boolean }) => {
      process.exitCode = await reported(() =>
        diff({ base: opts.base, ...(opts.head ? { head: opts.head } : {}), format: opts.format, exitCode: opts.exitCode, out }),
      );
    });

  program
    .command('diagram')
    .description("draw a cluster (the guide's Figure 1) from its inventory")
    .argument('<cluster>', 'cluster name from inventory/*.yaml, or an inventory file')
    .addOption(new Option('--format <format>', 'output format').choices(DIAGRAM_FORMATS).default('mermaid'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (cluster: string, opts: { format: DiagramFormat; output?: string }) => {
      process.exitCode = await reported(() => diagram(cluster, { format: opts.format, ...(opts.output ? { output: opts.output } : {}), out }));
    });
}

/** Runs a command; a ReviewError becomes its message on stderr and its exit code. */
async function reported(run: () => number | Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ReviewError)) throw err;
    process.stderr.write(`opencloud: ${err.message}\n`);
    return err.exitCode;
  }
}
