// The runner's logic with in-memory hosts (no SSH): dependency order, per-host sequencing, bounded
// parallelism, failure isolation, skips across hosts, unreachable hosts, lost connections, dry run.
import { describe, expect, it } from 'vitest';
import { ConnectError, ConnectionLostError } from '../../src/remote/connection.ts';
import { PlanError, planUnits } from '../../src/bootstrap/plan.ts';
import { formatRecap } from '../../src/bootstrap/recap.ts';
import { runSteps, type SessionProvider } from '../../src/bootstrap/runner.ts';
import { CommandNotStartedError, Interruption } from '../../src/remote/interruption.ts';
import type { AnyStep } from '../../src/bootstrap/step.ts';
import type { ResolvedCluster, ClusterHost, HostSession } from '../../src/remote/host.ts';

const host = (name: string, roles: ClusterHost['roles']): ClusterHost => ({ name, roles, address: '127.0.0.1', port: 22, user: 'root' });
const cluster: ResolvedCluster = {
  model: { name: 't' } as never,
  hosts: [host('router', ['router', 'juju']), host('c1', ['compute']), host('c2', ['compute']), host('c3', ['compute'])],
};

interface Fake {
  sessions: SessionProvider;
  done: string[];
  active: number;
  maxActive: number;
}

function fake(opts: { unreachable?: string[] } = {}): Fake {
  const f: Fake = {
    done: [],
    active: 0,
    maxActive: 0,
    sessions: {
      async session(name, use) {
        if (opts.unreachable?.includes(name)) throw new ConnectError(name, `${name}: cannot connect`, true);
        return { host: cluster.hosts.find((h) => h.name === name)!, dryRun: false, use } as unknown as HostSession;
      },
      secret() {},
    },
  };
  return f;
}

/** A step that is needed once per host; `fail` hosts throw in apply. */
function step(f: Fake, id: string, extra: Partial<AnyStep> = {}, behaviour: { fail?: string[]; ms?: number; lose?: Map<string, number> } = {}): AnyStep {
  return {
    id,
    title: id,
    hosts: 'compute',
    async check(ctx) {
      return f.done.includes(`${id}@${ctx.host.host.name}`) ? { needed: false } : { needed: true, description: `do ${id}`, plan: undefined };
    },
    async apply(ctx) {
      f.active++;
      f.maxActive = Math.max(f.maxActive, f.active);
      try {
        await new Promise((r) => setTimeout(r, behaviour.ms ?? 5));
        const name = ctx.host.host.name;
        const lose = behaviour.lose?.get(name) ?? 0;
        if (lose > 0) {
          behaviour.lose!.set(name, lose - 1);
          throw new ConnectionLostError(name, 'test');
        }
        if (behaviour.fail?.includes(name)) throw new Error(`${id} broke on ${name}`);
        f.done.push(`${id}@${name}`);
      } finally {
        f.active--;
      }
    },
    ...extra,
  } as AnyStep;
}

describe('plan', () => {
  it('orders by dependencies, keeps registration order otherwise, refuses cycles and unknown steps', () => {
    const f = fake();
    const steps = [step(f, 'b', { dependsOn: ['a'] }), step(f, 'a'), step(f, 'c')];
    expect([...new Set(planUnits(cluster, steps).map((u) => u.step.id))]).toEqual(['a', 'b', 'c']);
    expect(() => planUnits(cluster, [step(f, 'x', { dependsOn: ['y'] }), step(f, 'y', { dependsOn: ['x'] })])).toThrow(/cycle: x -> y -> x/);
    expect(() => planUnits(cluster, [step(f, 'x', { dependsOn: ['nope'] })])).toThrow(PlanError);
    expect(() => planUnits(cluster, [step(f, 'x')], ['nope'])).toThrow(/no step named "nope"/);
  });

  it('links same-host and all-hosts dependencies', () => {
    const f = fake();
    const units = planUnits(cluster, [step(f, 'a'), step(f, 'b', { dependsOn: ['a'] }), step(f, 'r', { hosts: 'router', dependsOn: ['a'] })]);
    expect(units.find((u) => u.step.id === 'b' && u.host.name === 'c2')!.dependsOn).toEqual([{ step: 'a', host: 'c2' }]);
    expect(units.find((u) => u.step.id === 'r')!.dependsOn.map((d) => d.host)).toEqual(['c1', 'c2', 'c3']);
    const explicit = planUnits(cluster, [step(f, 'a'), step(f, 'b', { dependsOn: [{ step: 'a', scope: 'all-hosts' }] })]);
    expect(explicit.find((u) => u.step.id === 'b' && u.host.name === 'c1')!.dependsOn).toHaveLength(3);
  });
});

describe('runner', () => {
  it('isolates a failure to what depends on it, and recaps per host', async () => {
    const f = fake();
    const steps = [step(f, 'a', {}, { fail: ['c2'] }), step(f, 'b', { dependsOn: ['a'] }), step(f, 'c'), step(f, 'r', { hosts: 'router', dependsOn: ['a'] })];
    const r = await runSteps({ cluster, steps, sessions: f.sessions, dryRun: false });
    expect(r.failed).toBe(true);
    const st = (s: string, h: string) => r.results.find((x) => x.step === s && x.host === h);
    expect(st('a', 'c2')).toMatchObject({ status: 'failed', message: 'a broke on c2' });
    expect(st('b', 'c2')).toMatchObject({ status: 'skipped', message: 'a failed' });
    expect(st('c', 'c2')!.status).toBe('changed');
    expect(st('b', 'c1')!.status).toBe('changed');
    expect(st('r', 'router')).toMatchObject({ status: 'skipped', message: 'a on c2 failed' });
    expect(r.recap.get('c2')).toEqual({ ok: 0, changed: 1, failed: 1, skipped: 1 });
    expect(formatRecap(r).join('\n')).toContain('c2     : ok=0  changed=1  failed=1  skipped=1');

    const again = await runSteps({ cluster, steps: steps.map((s) => (s.id === 'a' ? step(f, 'a') : s)), sessions: f.sessions, dryRun: false });
    expect(again.failed).toBe(false);
    expect(again.results.filter((x) => x.status === 'changed').map((x) => `${x.step}@${x.host}`).sort()).toEqual(['a@c2', 'b@c2', 'r@router']);
  });

  it('bounds parallel hosts by concurrency', async () => {
    for (const concurrency of [1, 2, 10]) {
      const f = fake();
      await runSteps({ cluster, steps: [step(f, 'a', {}, { ms: 30 })], sessions: f.sessions, dryRun: false, concurrency });
      expect(f.maxActive).toBe(Math.min(concurrency, 3));
    }
  });

  it('gives a freed slot to the host first in the cluster, so started hosts go on before new ones start', async () => {
    const f = fake();
    const starts: string[] = [];
    const tracked = (id: string) => step(f, id, { check: async (ctx) => (starts.push(`${id}@${ctx.host.host.name}`), { needed: true, description: id, plan: undefined }) });
    await runSteps({ cluster, steps: [tracked('a'), tracked('b')], sessions: f.sessions, dryRun: false, concurrency: 1 });
    // With one slot: c1 finishes both steps before c2 starts (first come, first served would interleave).
    expect(starts).toEqual(['a@c1', 'b@c1', 'a@c2', 'b@c2', 'a@c3', 'b@c3']);
  });

  it('runs steps on the Juju host outside the hosts-at-once bound', async () => {
    const f = fake();
    let releaseJuju!: () => void;
    const jujuBusy = new Promise<void>((r) => (releaseJuju = r));
    const order: string[] = [];
    const onJuju = step(f, 'on-juju', {
      onJujuHost: true,
      async apply(ctx) {
        order.push(`on-juju@${ctx.host.host.name} waits`);
        await jujuBusy; // e.g. a Juju agent that takes minutes to start
        f.done.push(`on-juju@${ctx.host.host.name}`);
      },
    });
    const nodeWork = step(f, 'node-work', {
      async apply(ctx) {
        order.push(`node-work@${ctx.host.host.name}`);
        if (order.filter((o) => o.startsWith('node-work')).length === 3) releaseJuju();
      },
    });
    const r = await runSteps({ cluster, steps: [nodeWork, onJuju], sessions: f.sessions, dryRun: false, concurrency: 1 });
    expect(r.failed).toBe(false);
    // With one slot, every node's own work ran while the Juju-side units of earlier nodes waited.
    expect(order.filter((o) => o.startsWith('node-work'))).toEqual(['node-work@c1', 'node-work@c2', 'node-work@c3']);
    expect(order.indexOf('on-juju@c1 waits')).toBeLessThan(order.indexOf('node-work@c2'));
  });

  it('skips the rest of an unreachable host, and nothing else', async () => {
    const f = fake({ unreachable: ['c3'] });
    const r = await runSteps({ cluster, steps: [step(f, 'a'), step(f, 'b')], sessions: f.sessions, dryRun: false });
    expect(r.results.filter((x) => x.host === 'c3').map((x) => x.status)).toEqual(['failed', 'skipped']);
    expect(r.results.find((x) => x.host === 'c3' && x.step === 'b')!.message).toMatch(/host unreachable/);
    expect(r.results.filter((x) => x.host !== 'c3').every((x) => x.status === 'changed')).toBe(true);
  });

  it('re-runs a retry-safe step after a lost connection, never one that is not', async () => {
    const f = fake();
    const lose = new Map([['c1', 1]]);
    const safe = await runSteps({ cluster, steps: [step(f, 'safe', { retrySafe: true }, { lose })], sessions: f.sessions, dryRun: false });
    expect(safe.results.find((x) => x.host === 'c1')!.status).toBe('changed');
    const unsafe = await runSteps({ cluster, steps: [step(f, 'unsafe', {}, { lose: new Map([['c1', 1]]) })], sessions: f.sessions, dryRun: false });
    const c1 = unsafe.results.find((x) => x.host === 'c1')!;
    expect(c1.status).toBe('failed');
    expect(c1.message).toMatch(/may be partly made.*not declared safe to retry/);
    expect(f.done).not.toContain('unsafe@c1');
  });

  it("ends after the last change made once per run, even when every unit that asked for it failed first", async () => {
    const f = fake();
    let finishRelations!: () => void;
    const events: string[] = [];
    // As nova-compute's relations and settings: c1 makes the slow change, c2 the one that fails
    // at once; each node awaits only the first failure, as Promise.all does.
    const joining = step(f, 'join', {
      async apply(ctx) {
        const relations = ctx.oncePerRun('relations', async () => {
          await new Promise<void>((r) => (finishRelations = r));
          ctx.log('related');
        });
        const settings = ctx.oncePerRun('settings', () => Promise.reject(new Error('set failed')));
        await Promise.all([relations, settings]);
      },
    });
    const run = runSteps({ cluster, steps: [joining], sessions: f.sessions, dryRun: false, onEvent: (e) => events.push(`${e.type} ${e.host}`) })
      .then((r) => (events.push('run ended'), r));
    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.startsWith('unit-end'))).toHaveLength(3); // every unit failed
    expect(events).not.toContain('run ended'); // but the relations are still under way
    finishRelations();
    const r = await run;
    expect(r.results.map((x) => x.message)).toEqual(['set failed', 'set failed', 'set failed']);
    expect(events.slice(-2)).toEqual(['log c1', 'run ended']);
  });

  it('once stopped, starts no unit, ends the one under way and reports both', async () => {
    const f = fake();
    const stop = new AbortController();
    const slow = step(f, 'slow', {
      hosts: (h) => h.name === 'c1',
      async apply(ctx) {
        stop.abort(new Interruption('SIGTERM'));
        // A session refuses the next command once the run is stopped (src/remote/session.ts).
        throw new CommandNotStartedError(ctx.host.host.name, 'juju status', 'interrupted by SIGTERM');
      },
    });
    const r = await runSteps({ cluster, steps: [slow, step(f, 'next', { dependsOn: ['slow'] })], sessions: f.sessions, dryRun: false, concurrency: 1, signal: stop.signal });
    expect(r.interrupted).toBe('interrupted by SIGTERM');
    const st = (s: string, h: string) => r.results.find((x) => x.step === s && x.host === h);
    expect(st('slow', 'c1')).toMatchObject({ status: 'failed', interrupted: 'stopped', message: 'interrupted by SIGTERM before `juju status` on c1' });
    for (const h of ['c1', 'c2', 'c3']) expect(st('next', h)).toMatchObject({ status: 'skipped', interrupted: 'not-started', message: 'not started: interrupted by SIGTERM' });
    expect(f.done).toEqual([]);
    expect(formatRecap(r).slice(-1)).toEqual(['interrupted by SIGTERM: stopped slow on c1; 3 steps not started']);
  });

  it('runs only the chosen steps with --only', async () => {
    const f = fake();
    const r = await runSteps({ cluster, steps: [step(f, 'a'), step(f, 'b', { dependsOn: ['a'] })], sessions: f.sessions, dryRun: false, only: ['b'] });
    expect(r.results.map((x) => x.step)).toEqual(['b', 'b', 'b']);
  });
});
