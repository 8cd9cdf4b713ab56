// A change every node finds missing is made once per run: the others await that one attempt.
import { describe, expect, it } from 'vitest';
import { oncePerRun } from '../../src/bootstrap/once-per-run.ts';
import type { ResolvedCluster } from '../../src/remote/host.ts';

const run = (): ResolvedCluster => ({ model: {} as never, hosts: [] });

describe('oncePerRun', () => {
  it('makes the change once for all the nodes of a run, and again in the next run', async () => {
    let made = 0;
    const make = async () => {
      await new Promise((r) => setTimeout(r, 5));
      return ++made;
    };
    const first = run();
    expect(await Promise.all([1, 2, 3].map(() => oncePerRun(first, 'relations', make)))).toEqual([1, 1, 1]);
    expect(await oncePerRun(first, 'relations', make)).toBe(1);
    expect(await oncePerRun(first, 'settings', make)).toBe(2);
    expect(await oncePerRun(run(), 'relations', make)).toBe(3);
  });

  it('shares a failure with every node that awaited it', async () => {
    const cluster = run();
    const attempts = [1, 2].map(() => oncePerRun(cluster, 'relations', () => Promise.reject(new Error('add-relation failed'))));
    for (const a of attempts) await expect(a).rejects.toThrow('add-relation failed');
  });
});
