// A step's context on scripted hosts: the step under test runs on `host`, other hosts' sessions
// come from `sessions` by name, and once-per-run work is simply made (one host, one run).
import type { StepContext } from '../../src/bootstrap/step.ts';
import type { HostSession, ResolvedCluster } from '../../src/remote/host.ts';

export function scriptedContext(cluster: ResolvedCluster, host: HostSession, others: Readonly<Record<string, HostSession>> = {}): StepContext {
  return {
    cluster,
    host,
    dryRun: false,
    session: async (name) => others[name] ?? host,
    sessions: async () => [],
    log: () => {},
    secret: () => {},
    oncePerRun: (_what, make) => make(),
  };
}
