// A change every node finds missing is made once per run: the others await that one attempt, and
// the run waits for every attempt before it ends.
import { describe, expect, it } from 'vitest';
import { OncePerRun } from '../../src/bootstrap/once-per-run.ts';

describe('OncePerRun', () => {
  it('makes the change once for all the nodes of a run, and again in the next run', async () => {
    let made = 0;
    const make = async () => {
      await new Promise((r) => setTimeout(r, 5));
      return ++made;
    };
    const first = new OncePerRun();
    expect(await Promise.all([1, 2, 3].map(() => first.run('relations', make)))).toEqual([1, 1, 1]);
    expect(await first.run('relations', make)).toBe(1);
    expect(await first.run('settings', make)).toBe(2);
    expect(await new OncePerRun().run('relations', make)).toBe(3);
  });

  it('shares a failure with every node that awaited it, a make() that throws at once included', async () => {
    const once = new OncePerRun();
    const attempts = [1, 2].map(() => once.run('relations', () => Promise.reject(new Error('add-relation failed'))));
    for (const a of attempts) await expect(a).rejects.toThrow('add-relation failed');
    const thrown = once.run('settings', () => {
      throw new Error('no client');
    });
    await expect(thrown).rejects.toThrow('no client');
  });

  it('ends only once every attempt has settled, those started meanwhile included; then starts none', async () => {
    const once = new OncePerRun();
    const events: string[] = [];
    let finishRelations!: () => void;
    void once
      .run('relations', () => new Promise<void>((r) => (finishRelations = r)))
      .then(() => {
        events.push('relations made');
        // Started by the relations' own continuation, while end() is already waiting.
        void once.run('settings', async () => {
          await new Promise((r) => setTimeout(r, 5));
          events.push('settings made');
        });
      });
    void once.run('deploy', () => Promise.reject(new Error('deploy failed'))).catch(() => events.push('deploy failed'));
    const ended = once.end().then(() => events.push('ended'));
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['deploy failed']);
    finishRelations();
    await ended;
    expect(events).toEqual(['deploy failed', 'relations made', 'settings made', 'ended']);
    await expect(once.run('late', async () => 1)).rejects.toThrow('late: not started, the run has ended');
  });
});
