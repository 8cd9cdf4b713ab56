// The two sides of a diff: a git ref (synthesized in a temporary worktree), a directory already
// synthesized (cdktf.out, or its stacks/), or the working tree synthesized as it stands.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../cli-error.ts';
import { synthesize, STACKS_ENTRY } from './synthesize.ts';
import { findStacksDir, readStacksDir, type SynthesizedStacks } from '../terraform/terraform-json.ts';
import { repositoryRoot, resolveCommit, withWorktree } from './worktree.ts';

export interface SourceContext {
  /** Where the command runs; its repository is the one refs are looked up in. */
  readonly cwd: string;
  readonly inventory?: string;
}

/** `spec` as given to --base or --head; undefined means the working tree. */
export async function loadSide(spec: string | undefined, ctx: SourceContext): Promise<SynthesizedStacks> {
  const root = repositoryRoot(ctx.cwd) ?? ctx.cwd;
  if (spec === undefined) return synthesize({ checkout: root, label: 'working tree', ...(ctx.inventory ? { inventory: ctx.inventory } : {}) });
  const dir = resolve(ctx.cwd, spec);
  if (existsSync(dir) && statSync(dir).isDirectory()) return loadDirectory(dir, spec, ctx);
  if (!repositoryRoot(ctx.cwd)) throw new CliError(`"${spec}" is not a directory, and ${ctx.cwd} is in no git repository to find it as a ref`, 2);
  const commit = resolveCommit(root, spec);
  const label = `${spec} (${commit.slice(0, 12)})`;
  return withWorktree(root, commit, (checkout) =>
    synthesize({ checkout, label, ...(ctx.inventory ? { inventory: ctx.inventory } : {}) }),
  );
}

function loadDirectory(dir: string, spec: string, ctx: SourceContext): Promise<SynthesizedStacks> {
  const stacksDir = findStacksDir(dir);
  if (stacksDir) return Promise.resolve(readStacksDir(stacksDir, spec));
  // A checkout of the project: synthesize it where it stands.
  if (existsSync(resolve(dir, STACKS_ENTRY))) return synthesize({ checkout: dir, label: spec, ...(ctx.inventory ? { inventory: ctx.inventory } : {}) });
  throw new CliError(`${spec} holds no synthesized stacks (<name>/cdk.tf.json under stacks/) and no ${STACKS_ENTRY}`, 2);
}
