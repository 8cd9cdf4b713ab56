// The run's plan: steps in dependency order, and for every (step, host) the units it waits for.
// Pure: no SSH here, so ordering and failure isolation are unit-tested on their own.
import type { AnyStep, HostSelector, StepDependency } from './step.ts';
import type { ClusterHost, HostRole, ResolvedCluster } from '../remote/host.ts';

export interface PlannedUnit {
  readonly step: AnyStep;
  readonly host: ClusterHost;
  /** Units that must have succeeded (ok or changed) first. */
  readonly dependsOn: readonly UnitKey[];
  /** The unit before this one on the same host (steps on one host run one at a time, in order). */
  readonly after?: UnitKey;
}

export interface UnitKey {
  readonly step: string;
  readonly host: string;
}

export const unitId = (k: UnitKey) => `${k.step}@${k.host}`;

export class PlanError extends Error {
  override name = 'PlanError';
}

/** Steps sorted so every step comes after what it depends on; registration order otherwise. */
export function orderSteps(steps: readonly AnyStep[]): AnyStep[] {
  const byId = new Map<string, AnyStep>();
  for (const s of steps) {
    if (byId.has(s.id)) throw new PlanError(`two steps have the id "${s.id}"`);
    byId.set(s.id, s);
  }
  for (const s of steps) {
    for (const d of s.dependsOn ?? []) {
      const id = depStep(d);
      if (!byId.has(id)) throw new PlanError(`step "${s.id}" depends on "${id}", which is not a registered step`);
    }
  }
  const ordered: AnyStep[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: AnyStep, path: string[]) => {
    const st = state.get(s.id);
    if (st === 'done') return;
    if (st === 'visiting') throw new PlanError(`steps depend on each other in a cycle: ${[...path, s.id].join(' -> ')}`);
    state.set(s.id, 'visiting');
    for (const d of s.dependsOn ?? []) visit(byId.get(depStep(d))!, [...path, s.id]);
    state.set(s.id, 'done');
    ordered.push(s);
  };
  for (const s of steps) visit(s, []);
  return ordered;
}

export const depStep = (d: StepDependency) => (typeof d === 'string' ? d : d.step);

/**
 * The units of a run. `only` (step ids) keeps just those steps; their dependencies on steps left out
 * are taken as already done (the operator asked for exactly these).
 */
export function planUnits(cluster: ResolvedCluster, registered: readonly AnyStep[], only?: readonly string[]): PlannedUnit[] {
  const ordered = orderSteps(registered);
  if (only && only.length > 0) {
    const unknown = only.filter((id) => !ordered.some((s) => s.id === id));
    if (unknown.length) throw new PlanError(`no step named ${unknown.map((u) => `"${u}"`).join(', ')}; steps: ${ordered.map((s) => s.id).join(', ')}`);
  }
  const chosen = only && only.length > 0 ? ordered.filter((s) => only.includes(s.id)) : ordered;
  const targets = new Map(chosen.map((s) => [s.id, selectHosts(s.hosts, cluster)]));
  const lastOnHost = new Map<string, UnitKey>();
  const units: PlannedUnit[] = [];
  for (const step of chosen) {
    for (const host of targets.get(step.id)!) {
      const dependsOn: UnitKey[] = [];
      for (const d of step.dependsOn ?? []) {
        const id = depStep(d);
        const depHosts = targets.get(id);
        if (!depHosts) continue; // not part of this run
        const onThisHost = depHosts.some((h) => h.name === host.name);
        const scope = typeof d === 'string' ? (onThisHost ? 'same-host' : 'all-hosts') : d.scope;
        if (scope === 'same-host') {
          if (onThisHost) dependsOn.push({ step: id, host: host.name });
        } else {
          for (const h of depHosts) dependsOn.push({ step: id, host: h.name });
        }
      }
      const after = lastOnHost.get(host.name);
      units.push({ step, host, dependsOn, ...(after ? { after } : {}) });
      lastOnHost.set(host.name, { step: step.id, host: host.name });
    }
  }
  return units;
}

export function selectHosts(selector: HostSelector, cluster: ResolvedCluster): ClusterHost[] {
  if (typeof selector === 'function') return cluster.hosts.filter((h) => selector(h, cluster));
  const roles: readonly HostRole[] = typeof selector === 'string' ? [selector] : selector;
  return cluster.hosts.filter((h) => h.roles.some((r) => roles.includes(r)));
}
