// The router section: are the port forwards in place? The router's live `iptables-save` of our
// chains is compared with the ruleset the router step would write (its own builder and
// comparison), as a whole (any drift: a missing jump, a stale chain, a rule for a compute node
// the router does not know yet) and per forward (its DNAT rule and its FORWARD accept rule).
import { readSysctls } from '../remote/facts/sysctl.ts';
import { managedController, serviceVmAddress } from '../remote/router/controller-addresses.ts';
import type { RouterInterfaces } from '../remote/router/interfaces.ts';
import { readRouterInterfaces, readSavedTables } from '../remote/router/router-facts.ts';
import { CHAINS, type Table } from '../remote/router/ruleset.ts';
import { compareRuleset, ruleChain, type SavedTable } from '../remote/router/ruleset-sync.ts';
import { desiredRuleset } from '../remote/router/desired-ruleset.ts';
import type { ResolvedCluster, HostSession } from '../remote/host.ts';
import type { PortForward } from '../inventory/reference.ts';
import { errorDetail, type StatusCheck } from './check.ts';

/** What the router shows, read-only. */
export interface RouterFacts {
  readonly interfaces: RouterInterfaces;
  readonly saved: Readonly<Record<Table, SavedTable>>;
  /** `net.ipv4.ip_forward` as the kernel reports it. */
  readonly ipForward: string;
}

const IP_FORWARD = 'net.ipv4.ip_forward';

/** Reads the router's interfaces, our iptables chains and IP forwarding. */
export async function readRouterFacts(session: HostSession, cluster: ResolvedCluster, timeoutMs: number): Promise<RouterFacts> {
  const opts = { timeoutMs };
  // The router step's own readers, so both find the same interfaces and compare the same tables.
  const [interfaces, saved, ipForward] = await Promise.all([
    readRouterInterfaces(session, cluster, opts),
    readSavedTables(session, opts),
    readSysctls(session, [IP_FORWARD], opts),
  ]);
  return { interfaces, saved, ipForward: ipForward.get(IP_FORWARD) ?? '' };
}

/** `:5000 -> keystone 192.168.100.40:5000`. */
export function forwardLabel(cluster: ResolvedCluster, f: PortForward): string {
  return `:${f.port} -> ${f.vm} ${serviceVmAddress(cluster, f.vm)}:${f.vmPort}`;
}

export function forwardChecks(cluster: ResolvedCluster, router: string, facts: RouterFacts): StatusCheck[] {
  const c = managedController(cluster);
  const base = { section: 'forwards' as const, host: router };
  const checks: StatusCheck[] = [
    {
      ...base,
      check: 'ip forwarding',
      state: facts.ipForward === '1' ? 'up' : 'down',
      detail: `net.ipv4.ip_forward = ${facts.ipForward || '(empty)'}`,
    },
  ];
  const where = `public ${facts.interfaces.public}, management ${facts.interfaces.management}`;
  try {
    const desired = desiredRuleset(cluster, facts.interfaces);
    const diffs = compareRuleset(desired, facts.saved);
    const count = desired.nat.rules.length + desired.filter.rules.length;
    checks.push({
      ...base,
      check: 'ruleset (OPENCLOUD-* chains)',
      state: diffs.length === 0 ? 'up' : 'down',
      detail: diffs.length === 0 ? `${count} rules as the router step writes them (${where})` : `differs from what the router step writes: ${diffs.join('; ')} (re-run bootstrap --only router)`,
    });
  } catch (err) {
    checks.push({ ...base, check: 'ruleset (OPENCLOUD-* chains)', state: 'down', detail: errorDetail(err) });
  }
  for (const f of c.forwards) checks.push({ ...base, ...forwardCheck(cluster, f, facts) });
  return checks;
}

// The rules one forward adds: the router step's builder run with that forward alone, keeping
// the client chains (the rest of a ruleset does not depend on the forwards).
function forwardCheck(cluster: ResolvedCluster, f: PortForward, facts: RouterFacts): Pick<StatusCheck, 'check' | 'state' | 'detail'> {
  const check = `forward ${forwardLabel(cluster, f)}`;
  try {
    const c = managedController(cluster);
    const alone = desiredRuleset({ ...cluster, model: { ...cluster.model, controller: { ...c, forwards: [f] } } }, facts.interfaces);
    const clientChains: readonly string[] = [CHAINS.dnatClient, CHAINS.forwardClient];
    const missing: string[] = [];
    for (const table of ['nat', 'filter'] as const) {
      for (const rule of alone[table].rules.filter((r) => clientChains.includes(ruleChain(r)))) {
        if (!(facts.saved[table].rules.get(ruleChain(rule)) ?? []).includes(rule)) missing.push(ruleChain(rule) === CHAINS.dnatClient ? 'DNAT rule' : 'FORWARD accept rule');
      }
    }
    return missing.length === 0
      ? { check, state: 'up', detail: 'DNAT and FORWARD accept rules present' }
      : { check, state: 'down', detail: `missing: ${missing.join(', ')}` };
  } catch (err) {
    return { check, state: 'down', detail: errorDetail(err) };
  }
}
