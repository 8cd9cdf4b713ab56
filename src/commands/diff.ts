// `opencloud diff`: what two versions of the repository synthesize, stack by stack, for a
// reviewer; read from the Terraform JSON, so no terraform binary, state or credentials needed.
import { execFileSync } from 'node:child_process';
import { Option, type Command } from 'commander';
import { formatDiffJson } from '../review/format-json.ts';
import { formatDiffMarkdown } from '../review/format-markdown.ts';
import { formatDiffText } from '../review/format-text.ts';
import { loadSide } from '../review/sources.ts';
import { diffSyntheses, hasDifferences, type DiffReport } from '../review/stack-diff.ts';

export const DIFF_FORMATS = ['markdown', 'text', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions {
  /** Git ref or directory; default HEAD. */
  readonly base: string;
  /** Directory (or ref); default: the working tree, synthesized. */
  readonly head?: string;
  readonly format: DiffFormat;
  /** Exit 1 when anything changed, like `git diff --exit-code`. */
  readonly exitCode: boolean;
  readonly out: (text: string) => void;
  readonly cwd?: string;
  /** Whether terraform is installed; looked up on PATH by default. */
  readonly terraformPresent?: boolean;
}

export function registerDiff(program: Command, out: (line: string) => void): void {
  program
    .command('diff')
    .description('compare what two versions of the repository synthesize, per stack, without terraform')
    .option('--base <ref|dir>', 'git ref (synthesized in a temporary worktree) or synthesized cdktf.out directory', 'HEAD')
    .option('--head <dir>', 'synthesized cdktf.out directory (default: synthesize the working tree)')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .option('--exit-code', 'exit 1 when anything changed, like git diff --exit-code', false)
    .action(async (opts: { base: string; head?: string; format: DiffFormat; exitCode: boolean }) => {
      process.exitCode = await diff({ base: opts.base, ...(opts.head ? { head: opts.head } : {}), format: opts.format, exitCode: opts.exitCode, out });
    });
}

export async function diff(opts: DiffOptions): Promise<0 | 1> {
  const ctx = { cwd: opts.cwd ?? process.cwd(), ...(process.env.OPENCLOUD_INVENTORY ? { inventory: process.env.OPENCLOUD_INVENTORY } : {}) };
  // One after the other: both may run cdktf, which is heavy on memory.
  const base = await loadSide(opts.base, ctx);
  const head = await loadSide(opts.head, ctx);
  const report = withAuthorityNote(diffSyntheses(base, head), opts.terraformPresent ?? terraformOnPath());
  const print = { markdown: formatDiffMarkdown, text: formatDiffText, json: formatDiffJson }[opts.format];
  opts.out(print(report));
  return opts.exitCode && hasDifferences(report) ? 1 : 0;
}

/** This diff reads configuration, not state: with terraform at hand, plan is the better answer. */
function withAuthorityNote(report: DiffReport, terraformPresent: boolean): DiffReport {
  if (!terraformPresent) return report;
  const note =
    'terraform is installed here: `cdktf diff` (terraform plan against the real state) stays the authority on what a deploy changes; this diff compares synthesized configuration only.';
  return { ...report, notes: [...report.notes, note] };
}

function terraformOnPath(): boolean {
  try {
    execFileSync('which', ['terraform'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
