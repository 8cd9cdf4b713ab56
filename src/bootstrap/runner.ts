// Runs the planned units: hosts in parallel (bounded), the steps of one host one after another in
// dependency order. A failure stops only what depends on it; the run ends with a recap per host.
// The run ends when its last unit and its last once-per-run change have ended. Once the run's
// signal is aborted no unit starts, and the units under way end at their next command.
import { ConnectError, ConnectionClosedError, ConnectionLostError } from '../remote/connection.ts';
import { HostKeyError } from '../remote/host-keys.ts';
import { CommandNotStartedError, stopReason } from '../remote/interruption.ts';
import { HostSlots } from './host-slots.ts';
import { OncePerRun } from './once-per-run.ts';
import { planUnits, unitId, type PlannedUnit, type UnitKey } from './plan.ts';
import type { Phase } from '../remote/session.ts';
import type { AnyStep, StepContext, StepStatus } from './step.ts';
import type { ResolvedCluster, HostRole, HostSession } from '../remote/host.ts';

/** Where the runner gets a host's session for a step and phase (SSH in a run, in-memory in unit tests). */
export interface SessionProvider {
  /** Connects if needed (throws ConnectError / HostKeyError when the host cannot be reached). */
  session(hostName: string, use: { step: string; phase: Phase; mayReboot: boolean }): Promise<HostSession>;
  /** Registers a secret with the run's redactor. */
  secret(value: string): void;
}

export interface UnitResult {
  readonly step: string;
  readonly host: string;
  readonly status: StepStatus;
  /** The change (changed, or would-change in a dry run), or why nothing was needed. */
  readonly description?: string;
  /** Why it failed or was skipped. */
  readonly message?: string;
  readonly ms: number;
  /** The run was stopped while this unit was under way (`stopped`, failed) or before it started (`not-started`, skipped). */
  readonly interrupted?: 'stopped' | 'not-started';
}

export type RunEvent =
  | { readonly type: 'unit-start'; readonly step: string; readonly host: string; readonly title: string }
  | ({ readonly type: 'unit-end' } & UnitResult)
  | { readonly type: 'log'; readonly step: string; readonly host: string; readonly message: string };

export interface RunOptions {
  readonly cluster: ResolvedCluster;
  readonly steps: readonly AnyStep[];
  readonly sessions: SessionProvider;
  readonly dryRun: boolean;
  /** Hosts worked on at once. Default 10. */
  readonly concurrency?: number;
  readonly only?: readonly string[];
  /** Re-runs of a retry-safe step (or a check) after a lost connection. Default 2. */
  readonly lostConnectionRetries?: number;
  readonly onEvent?: (event: RunEvent) => void;
  /** Stops the run (SIGINT, SIGTERM): no unit starts after it is aborted. @default never stopped */
  readonly signal?: AbortSignal;
}

export interface HostRecap {
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunResult {
  readonly results: readonly UnitResult[];
  /** Per host, in the cluster's host order (hosts without steps left out). */
  readonly recap: ReadonlyMap<string, HostRecap>;
  readonly failed: boolean;
  readonly dryRun: boolean;
  /** Why the run was stopped early (`interrupted by SIGTERM`); absent when it ran to its end. */
  readonly interrupted?: string;
}

export async function runSteps(opts: RunOptions): Promise<RunResult> {
  const units = planUnits(opts.cluster, opts.steps, opts.only);
  const slots = new HostSlots(opts.concurrency ?? 10);
  const rank = new Map(opts.cluster.hosts.map((h, i) => [h.name, i]));
  const settled = new Map<string, Promise<UnitResult>>();
  const unreachable = new Map<string, string>();
  const emit = opts.onEvent ?? (() => {});
  const once = new OncePerRun();
  const signal = opts.signal;

  /** The unit's result when the run was stopped before it started. */
  const notStarted = (key: UnitKey): UnitResult | undefined => {
    if (!signal?.aborted) return undefined;
    const r: UnitResult = { ...key, status: 'skipped', message: `not started: ${stopReason(signal)}`, ms: 0, interrupted: 'not-started' };
    emit({ type: 'unit-end', ...r });
    return r;
  };

  const runUnit = async (unit: PlannedUnit): Promise<UnitResult> => {
    const key: UnitKey = { step: unit.step.id, host: unit.host.name };
    if (unit.after) await settled.get(unitId(unit.after));
    const deps = await Promise.all(unit.dependsOn.map((d) => settled.get(unitId(d))!));
    const stopped = notStarted(key);
    if (stopped) return stopped;
    const blocked = deps.filter((d) => d.status === 'failed' || d.status === 'skipped');
    if (blocked.length > 0) {
      const b = blocked[0]!;
      const where = b.host === key.host ? '' : ` on ${b.host}`;
      const r: UnitResult = { ...key, status: 'skipped', message: `${b.step}${where} ${b.status === 'failed' ? 'failed' : 'was skipped'}`, ms: 0 };
      emit({ type: 'unit-end', ...r });
      return r;
    }
    const down = unreachable.get(key.host);
    if (down !== undefined) {
      const r: UnitResult = { ...key, status: 'skipped', message: `host unreachable: ${down}`, ms: 0 };
      emit({ type: 'unit-end', ...r });
      return r;
    }
    const work = async (): Promise<UnitResult> => {
      // Waited for a slot while the run was stopped.
      const stopped = notStarted(key);
      if (stopped) return stopped;
      emit({ type: 'unit-start', ...key, title: unit.step.title });
      const started = Date.now();
      const r = await executeUnit(unit, opts, once, emit).catch((err: unknown): Omit<UnitResult, 'ms'> => {
        if (signal?.aborted) return { ...key, status: 'failed', message: interruptedMessage(signal, err), interrupted: 'stopped' };
        if (err instanceof ConnectError || err instanceof HostKeyError) unreachable.set(key.host, err.message);
        return { ...key, status: 'failed', message: err instanceof Error ? err.message : String(err) };
      });
      const result: UnitResult = { ...r, ms: Date.now() - started };
      emit({ type: 'unit-end', ...result });
      return result;
    };
    return unit.step.onJujuHost ? work() : slots.run(rank.get(key.host) ?? 0, work);
  };

  // Units are created in plan order, so every unit's predecessors are in `settled` before it.
  for (const unit of units) settled.set(unitId({ step: unit.step.id, host: unit.host.name }), runUnit(unit));
  const results = await Promise.all(settled.values());
  // Work made once for several units may outlive every unit that asked for it (they failed on
  // something else): the run ends with it, not before.
  await once.end();

  const recap = new Map<string, { ok: number; changed: number; failed: number; skipped: number }>();
  for (const h of opts.cluster.hosts) {
    if (results.some((r) => r.host === h.name)) recap.set(h.name, { ok: 0, changed: 0, failed: 0, skipped: 0 });
  }
  for (const r of results) recap.get(r.host)![r.status]++;
  return {
    results,
    recap,
    failed: results.some((r) => r.status === 'failed'),
    dryRun: opts.dryRun,
    ...(signal?.aborted ? { interrupted: stopReason(signal) } : {}),
  };
}

/** Thrown between a step's check and its apply when the run was stopped meanwhile. */
class StoppedBeforeApply extends Error {}

/** A unit that ended because the run was stopped: the reason, and where it stopped. */
function interruptedMessage(signal: AbortSignal, err: unknown): string {
  const reason = stopReason(signal);
  if (err instanceof CommandNotStartedError) return `${reason} before \`${err.command}\` on ${err.host}`;
  if (err instanceof StoppedBeforeApply) return `${reason} after its check, before its change`;
  if (err instanceof ConnectionClosedError) return `${reason} while it waited on ${err.host}, whose connection was then closed; run bootstrap again to finish it`;
  return `${reason}: ${err instanceof Error ? err.message : String(err)}`;
}

async function executeUnit(unit: PlannedUnit, opts: RunOptions, once: OncePerRun, emit: (e: RunEvent) => void): Promise<Omit<UnitResult, 'ms'>> {
  const { step, host } = unit;
  const key = { step: step.id, host: host.name };
  const retries = opts.lostConnectionRetries ?? 2;
  for (let attempt = 0; ; attempt++) {
    let phase: Phase = 'check';
    try {
      const check = await step.check(await context(opts, once, step, host.name, 'check', emit));
      if (!check.needed) return { ...key, status: 'ok', ...(check.description ? { description: check.description } : {}) };
      if (opts.signal?.aborted) throw new StoppedBeforeApply();
      phase = 'apply';
      await step.apply(await context(opts, once, step, host.name, 'apply', emit), check.plan);
      return { ...key, status: 'changed', description: check.description };
    } catch (err) {
      if (err instanceof ConnectionLostError && attempt < retries && !opts.signal?.aborted && (phase === 'check' || step.retrySafe)) {
        emit({ type: 'log', ...key, message: `${err.message}; running the step again (${phase === 'check' ? 'its check changes nothing' : 'it is safe to retry'})` });
        continue;
      }
      if (err instanceof ConnectionLostError && phase === 'apply') {
        throw new Error(
          `${err.message} while applying ${step.id}: the change may be partly made. Not retried (the step is not declared safe to retry); ` +
            'run bootstrap again once the host is reachable: its check will find what is left to do.',
        );
      }
      throw err;
    }
  }
}

async function context(opts: RunOptions, once: OncePerRun, step: AnyStep, hostName: string, phase: Phase, emit: (e: RunEvent) => void): Promise<StepContext> {
  const use = { step: step.id, phase, mayReboot: step.mayReboot === true };
  // Connecting happens here: an unreachable host or a refused host key fails the unit.
  const host = await opts.sessions.session(hostName, use);
  return {
    cluster: opts.cluster,
    host,
    dryRun: opts.dryRun,
    session: (name: string) => opts.sessions.session(name, { ...use, mayReboot: name === hostName && use.mayReboot }),
    sessions: (role: HostRole) =>
      Promise.all(
        opts.cluster.hosts
          .filter((h) => h.roles.includes(role))
          .map((h) => opts.sessions.session(h.name, { ...use, mayReboot: h.name === hostName && use.mayReboot })),
      ),
    log: (message: string) => emit({ type: 'log', step: step.id, host: hostName, message }),
    secret: (value: string) => opts.sessions.secret(value),
    oncePerRun: (what, make) => once.run(what, make),
  };
}
