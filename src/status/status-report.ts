// A status run: reach every host, then read Juju on the Juju host and, for a managed controller,
// the router's forwards, the client ports from the router and the paths from each compute node to
// the management network, all at once. Every failure becomes a check that is not up; nothing
// here throws for a host that is down.
import { ROUTER_HOST } from '../remote/cluster-hosts.ts';
import { jujuHost } from '../remote/juju/juju-host.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';
import type { ResolvedCluster } from '../remote/host.ts';
import type { ClusterModel } from '../inventory/model.ts';
import { allUp, errorDetail, type SectionName, type StatusCheck } from './check.ts';
import { portCheckName, probeForward } from './client-ports.ts';
import { hostCheck, reachHosts, type Reach } from './host-reachability.ts';
import { jujuChecks, jujuFailedCheck, readJujuStatus } from './juju-units.ts';
import { forwardChecks, readRouterFacts } from './router-forwards.ts';
import { NODE_CHAIN_CHECK, nodePathChecks } from './node-paths.ts';
import { openStatusSessions } from './status-sessions.ts';

export interface StatusReport {
  readonly cluster: string;
  readonly controller: 'managed' | 'existing';
  readonly up: boolean;
  readonly checks: readonly StatusCheck[];
  readonly elapsedMs: number;
}

export interface StatusOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  /** SSH handshake limit per host (one attempt). */
  readonly connectTimeoutMs?: number;
  /** Limit for each remote command (juju status can take a while on a busy state server). */
  readonly commandTimeoutMs?: number;
  readonly onCommand?: (line: string) => void;
  /** Stops the run (SIGINT, SIGTERM): no command starts, the connections close. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 20_000;

export async function collectStatus(opts: StatusOptions): Promise<StatusReport> {
  const started = Date.now();
  const commandTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const sessions = openStatusSessions({
    model: opts.model,
    ...(opts.outputs ? { outputs: opts.outputs } : {}),
    ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
    ...(opts.onCommand ? { onCommand: opts.onCommand } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const cluster = sessions.cluster;
  let checks: StatusCheck[];
  try {
    const reach = await reachHosts(sessions, commandTimeoutMs);
    const sections = await Promise.all([
      cluster.hosts.map((h) => hostCheck(h, reach.get(h.name)!)),
      jujuSection(cluster, reach, commandTimeoutMs),
      cluster.model.controller.kind === 'managed' ? routerSections(cluster, reach, commandTimeoutMs) : [],
      cluster.model.controller.kind === 'managed' ? pathSections(cluster, reach, commandTimeoutMs) : [],
    ]);
    checks = sections.flat();
  } finally {
    sessions.close();
  }
  return {
    cluster: opts.model.name,
    controller: opts.model.controller.kind,
    up: allUp(checks),
    checks,
    elapsedMs: Date.now() - started,
  };
}

async function jujuSection(cluster: ResolvedCluster, reach: ReadonlyMap<string, Reach>, timeoutMs: number): Promise<StatusCheck[]> {
  const host = jujuHost(cluster);
  const r = reach.get(host.name)!;
  if (!r.ok) return [unreachable('juju', host.name, 'juju status', host.name)];
  try {
    return jujuChecks(host.name, await readJujuStatus(r.session, timeoutMs));
  } catch (err) {
    return [jujuFailedCheck(host.name, err)];
  }
}

async function routerSections(cluster: ResolvedCluster, reach: ReadonlyMap<string, Reach>, timeoutMs: number): Promise<StatusCheck[]> {
  const forwards = cluster.model.controller.kind === 'managed' ? cluster.model.controller.forwards : [];
  const r = reach.get(ROUTER_HOST)!;
  if (!r.ok) {
    return [
      unreachable('forwards', ROUTER_HOST, 'ruleset (OPENCLOUD-* chains)', ROUTER_HOST),
      ...forwards.map((f) => unreachable('ports', f.vm, portCheckName(cluster, f), ROUTER_HOST)),
    ];
  }
  const [forwardSection, ports] = await Promise.all([
    readRouterFacts(r.session, cluster, timeoutMs).then(
      (facts) => forwardChecks(cluster, ROUTER_HOST, facts),
      (err): StatusCheck[] => [{ section: 'forwards', host: ROUTER_HOST, check: 'ruleset (OPENCLOUD-* chains)', state: 'down', detail: `cannot read: ${errorDetail(err)}` }],
    ),
    Promise.all(forwards.map((f) => probeForward(r.session, cluster, f))),
  ]);
  return [...forwardSection, ...ports];
}

/** From each compute node: its chain and a TCP connect to each management destination. */
async function pathSections(cluster: ResolvedCluster, reach: ReadonlyMap<string, Reach>, timeoutMs: number): Promise<StatusCheck[]> {
  const nodes = cluster.hosts.filter((h) => h.roles.includes('compute'));
  const perNode = await Promise.all(
    nodes.map((h) => {
      const r = reach.get(h.name)!;
      return r.ok ? nodePathChecks(r.session, cluster, timeoutMs) : [unreachable('paths', h.name, NODE_CHAIN_CHECK, h.name)];
    }),
  );
  return perNode.flat();
}

function unreachable(section: SectionName, host: string, check: string, via: string): StatusCheck {
  return { section, host, check, state: 'unreachable', detail: `not checked: ${via} is unreachable over SSH` };
}
