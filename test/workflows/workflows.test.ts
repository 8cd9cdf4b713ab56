// The GitHub workflows as the security notes promise them: every action pinned by commit, no token
// left in a checkout, and deploys that never skip a change (diffed against the last successfully
// deployed commit, never cancelled, the ref moved only after success).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DIR = join(import.meta.dirname, '../../.github/workflows');
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string }
interface Job { steps?: Step[]; uses?: string; needs?: string | string[]; if?: string; permissions?: Record<string, string>; environment?: string }
interface Workflow { env?: Record<string, string>; permissions?: Record<string, string>; concurrency?: { group: string; 'cancel-in-progress'?: boolean }; jobs: Record<string, Job> }

const load = (file: string) => parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
const allUses = (w: Workflow) => Object.values(w.jobs).flatMap((j) => [...(j.uses ? [j.uses] : []), ...(j.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : []))]);

describe('every workflow', () => {
  it('has the three workflows', () => {
    expect(FILES.sort()).toEqual(['opencloud-deploy.yml', 'opencloud-diff.yml', 'opencloud-validate.yml']);
  });

  it.each(FILES)('%s pins every action by a full commit SHA, naming its tag beside it', (file) => {
    const uses = allUses(load(file));
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
    const lines = readFileSync(join(DIR, file), 'utf8').split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
    expect(lines.filter((l) => !/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(l))).toEqual([]);
  });

  it.each(FILES)('%s leaves no token in its checkouts', (file) => {
    const checkouts = Object.values(load(file).jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('actions/checkout@')));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const c of checkouts) expect(c.with?.['persist-credentials']).toBe(false);
  });
});

describe('the deploy workflow', () => {
  const w = load('opencloud-deploy.yml');
  const deploy = w.jobs.deploy!;
  const ref = w.env?.DEPLOYED_REF;

  it('diffs against the last successfully deployed commit, not the previous push', () => {
    expect(ref).toBe('refs/tags/opencloud-deployed');
    const find = deploy.steps!.find((s) => s.id === 'changed')!;
    expect(find.run).toContain('npx opencloud diff --base "$DEPLOYED_REF" --format json');
    expect(JSON.stringify(w)).not.toContain('github.event.before');
    expect(JSON.stringify(w)).not.toContain('HEAD~1');
    // The checkout has the history and the tags the ref lives in.
    expect(deploy.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!.with?.['fetch-depth']).toBe(0);
  });

  it('moves the ref to the deployed commit only after the deploy job succeeded, in a job of its own', () => {
    const writers = (j: Job) => /gh api|git push|git tag/.test(JSON.stringify(j));
    const mark = Object.entries(w.jobs).filter(([, j]) => writers(j));
    expect(mark.map(([name]) => name)).toEqual(['mark-deployed']);
    const job = mark[0]![1];
    expect(job.needs).toBe('deploy');
    expect(job.if).toBe("github.ref == 'refs/heads/main' && !inputs.stacks");
    const step = job.steps!.find((s) => s.run?.includes('gh api'))!;
    expect(step.env).toMatchObject({ GH_TOKEN: '${{ github.token }}', SHA: '${{ github.sha }}' });
    expect(step.run).toContain('-X PATCH "repos/$REPO/git/$DEPLOYED_REF" -f sha="$SHA" -F force=true');
    // Only that job may write to the repository; it runs no code of the repository.
    expect(job.permissions).toEqual({ contents: 'write' });
    expect(job.steps!.every((s) => s.uses === undefined)).toBe(true);
    expect(w.permissions).toEqual({ contents: 'read' });
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('queues deploys in one group and never cancels one in progress', () => {
    expect(w.concurrency).toEqual({ group: 'opencloud-deploy', 'cancel-in-progress': false });
    expect(deploy.environment).toBe('production');
  });
});
