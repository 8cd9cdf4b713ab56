// A change that several hosts' steps find missing but that must be made once: the compute
// relations and the nova-compute settings, which every joining node checks. The first step to ask
// makes it; the others of the same run await that same attempt (and share its failure).
import type { ResolvedCluster } from '../remote/host.ts';

// Keyed by the run's cluster object: the next run checks afresh.
const made = new WeakMap<ResolvedCluster, Map<string, Promise<unknown>>>();

/** Makes the change (first caller) or awaits the attempt under way or made. */
export function oncePerRun<T>(cluster: ResolvedCluster, what: string, make: () => Promise<T>): Promise<T> {
  let run = made.get(cluster);
  if (!run) made.set(cluster, (run = new Map()));
  let attempt = run.get(what) as Promise<T> | undefined;
  if (!attempt) run.set(what, (attempt = make()));
  return attempt;
}
