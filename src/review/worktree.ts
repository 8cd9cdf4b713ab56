// A throw-away checkout of another commit (`git worktree add --detach`), so its stacks can be
// synthesized next to ours; removed afterwards whatever happens, Ctrl-C included.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error.ts';

export function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The top of the repository holding `dir`, or undefined outside any. */
export function repositoryRoot(dir: string): string | undefined {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']);
  } catch {
    return undefined;
  }
}

/** The commit a ref names; a CliError (usage) when it names none. */
export function resolveCommit(repo: string, ref: string): string {
  if (ref.startsWith('-')) throw new CliError(`"${ref}" is not a git ref`, 2);
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new CliError(`"${ref}" is neither a directory nor a commit of ${repo}`, 2);
  }
}

export async function withWorktree<T>(repo: string, commit: string, use: (checkout: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), 'opencloud-base-'));
  const checkout = join(parent, 'checkout');
  const remove = () => {
    try {
      git(repo, ['worktree', 'remove', '--force', checkout]);
    } catch {
      // not added, or already gone: the directory and the prune below finish the job
    }
    rmSync(parent, { recursive: true, force: true });
    try {
      git(repo, ['worktree', 'prune']);
    } catch {
      // nothing to prune
    }
  };
  const interrupted = (signal: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    try {
      git(repo, ['worktree', 'add', '--detach', checkout, commit]);
    } catch (err) {
      throw new CliError(`cannot check out ${commit}: ${(err as { stderr?: string }).stderr?.toString().trim() || String(err)}`);
    }
    // The old version runs with our dependencies: installing its own would take minutes.
    const modules = join(repo, 'node_modules');
    if (existsSync(modules) && !existsSync(join(checkout, 'node_modules'))) symlinkSync(modules, join(checkout, 'node_modules'), 'dir');
    return await use(checkout);
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    remove();
  }
}
