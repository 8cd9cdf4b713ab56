// `opencloud diff --base REF` end to end, in a temporary git repository holding the project's
// real inventory code and stacks: the base is synthesized in a throw-away worktree.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff } from '../../src/commands/diff.ts';
import { CliError } from '../../src/cli-error.ts';
import { EXAMPLE_YAML, withFourthNode } from './inventory-variants.ts';

const project = new URL('../..', import.meta.url).pathname;
let parent: string;
let repo: string;

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
  }).trim();

const commitAll = (message: string) => {
  git('add', '-A');
  git('commit', '-q', '-m', message);
};

const worktreeDirs = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('opencloud-base-')));

async function run(opts: { base: string; head?: string; format?: 'json' | 'text' | 'markdown'; exitCode?: boolean }) {
  let printed = '';
  const code = await diff({
    base: opts.base,
    ...(opts.head ? { head: opts.head } : {}),
    format: opts.format ?? 'json',
    exitCode: opts.exitCode ?? false,
    out: (t) => (printed += t),
    cwd: repo,
    terraformPresent: false,
  });
  return { code, printed };
}

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'opencloud-review-repo-'));
  repo = join(parent, 'repo');
  mkdirSync(join(repo, 'inventory'), { recursive: true });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), 'clusters\n');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\ncdktf.out\n.opencloud\n');
  commitAll('nothing to synthesize yet');
  // What synthesis loads: stacks/ and the src/ modules it imports.
  for (const path of ['src/inventory', 'src/terraform', 'stacks', 'package.json', 'tsconfig.json']) cpSync(join(project, path), join(repo, path), { recursive: true });
  symlinkSync(join(project, 'node_modules'), join(repo, 'node_modules'), 'dir');
  writeFileSync(join(repo, 'inventory/example.yaml'), EXAMPLE_YAML);
  commitAll('example cluster');
  // A branch whose stacks cannot synthesize.
  git('checkout', '-q', '-b', 'broken');
  writeFileSync(join(repo, 'stacks/main.ts'), "throw new Error('boom in the old stacks');\n");
  commitAll('broken stacks');
  git('checkout', '-q', 'main');
  writeFileSync(join(repo, 'inventory/example.yaml'), withFourthNode());
  commitAll('a fourth compute node');
}, 60_000);

afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('diff --base REF', () => {
  it('synthesizes the ref in a worktree, compares it with the working tree, and removes the worktree', async () => {
    const before = worktreeDirs();
    const { code, printed } = await run({ base: 'HEAD~1', exitCode: true });
    expect(code).toBe(1);
    const report = JSON.parse(printed);
    expect(report.base).toMatch(/^HEAD~1 \([0-9a-f]{12}\)$/);
    expect(report.head).toBe('working tree');
    expect(report.stacks.map((s: { name: string; action: string }) => [s.name, s.action])).toEqual([['example', 'change']]);
    const rules = report.stacks[0].resources.flatMap((r: { rules: { text: string }[] }) => r.rules.map((c) => c.text));
    // One all-traffic rule on the router's group and one on the management group (README, "Security groups").
    expect(rules).toEqual(['all traffic from 198.51.100.14/32', 'all traffic from 198.51.100.14/32']);
    expect(git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect([...worktreeDirs()].filter((d) => !before.has(d))).toEqual([]);
  }, 60_000);

  it('exits 0 without --exit-code, and 0 with it when nothing changed', async () => {
    expect((await run({ base: 'HEAD~1', format: 'text' })).code).toBe(0);
    const same = await run({ base: 'HEAD', format: 'text', exitCode: true });
    expect(same.code).toBe(0);
    expect(same.printed).toContain('stack example: no changes');
  }, 60_000);

  it('treats a ref without stacks as synthesizing none', async () => {
    const { printed } = await run({ base: 'HEAD~2', format: 'markdown' });
    expect(printed).toContain('has no stacks/main.ts: it synthesizes no stacks.');
    expect(printed).toContain('| `example` (new) |');
  }, 60_000);

  it('reports a base that fails to synthesize, and still removes its worktree', async () => {
    const before = worktreeDirs();
    await expect(run({ base: 'broken' })).rejects.toThrow(/synthesizing broken \([0-9a-f]{12}\) failed \(exit 1\):[\s\S]*boom in the old stacks/);
    expect(git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect([...worktreeDirs()].filter((d) => !before.has(d))).toEqual([]);
    expect(existsSync(join(repo, '.git', 'worktrees')) ? readdirSync(join(repo, '.git', 'worktrees')) : []).toEqual([]);
  }, 60_000);

  it('refuses what is neither a directory nor a commit, as a usage error', async () => {
    const err = await run({ base: 'no-such-branch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
  });

  it('compares two synthesized directories without git', async () => {
    const out = join(parent, 'out-base');
    execFileSync(process.execPath, [join(project, 'node_modules/tsx/dist/cli.mjs'), 'stacks/main.ts'], { cwd: repo, env: { ...process.env, CDKTF_OUTDIR: out } });
    const { printed } = await run({ base: out, head: join(out, 'stacks'), format: 'text', exitCode: true });
    expect(printed).toContain('stack example: no changes');
  }, 60_000);
});
