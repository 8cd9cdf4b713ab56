// The compute nodes' paths to the management network (managed controller): from each node, over
// its own SSH session, a TCP connect to each (management address, port) the node must reach (the
// compute ports at their VMs, the Juju API at the router's management address), through the
// node's chain and the router's forwards as the node's own services would go. GRE has no
// handshake to wait for, so it is judged by the node's chain (as `iptables-save` shows it,
// compared as the node-nat step compares it), which also catches a chain lost in a reboot.
import { SERVICE_VM_NAMES } from '../inventory/reference.ts';
import type { HostSession, ResolvedCluster } from '../remote/host.ts';
import { Limiter } from '../remote/limiter.ts';
import { routerManagementAddress, serviceVmAddress } from '../remote/router/controller-addresses.ts';
import { desiredNodeRuleset, nodeDestinations } from '../remote/router/desired-node-ruleset.ts';
import { destinationCount, type NodeDestination } from '../remote/router/node-ruleset.ts';
import { readSavedTables } from '../remote/router/router-facts.ts';
import { compareRuleset } from '../remote/router/ruleset-sync.ts';
import { errorDetail, type StatusCheck } from './check.ts';
import { judgeProbe, probeCommand, PROBE_SECONDS } from './client-ports.ts';

/** Probes at once per node: well under sshd's 10 sessions per connection. */
const PROBES_PER_NODE = 4;

export const NODE_CHAIN_CHECK = 'node chain (OPENCLOUD-NODE)';

/** `tcp 192.168.100.40:5000`. */
export const pathCheckName = (d: NodeDestination): string => `tcp ${d.ip}:${d.port}`;

/** What lives at a management address: the service VM's name, `router (Juju API)` for the router. */
export function destinationLabel(cluster: ResolvedCluster, d: NodeDestination): string {
  if (d.ip === routerManagementAddress(cluster)) return 'router (Juju API)';
  return SERVICE_VM_NAMES.find((vm) => serviceVmAddress(cluster, vm) === d.ip) ?? d.ip;
}

/** Every check of one node, read-only. Nothing here throws: a failure is a check that is down. */
export async function nodePathChecks(node: HostSession, cluster: ResolvedCluster, timeoutMs: number): Promise<StatusCheck[]> {
  const host = node.host.name;
  const base = { section: 'paths' as const, host };
  let destinations: NodeDestination[];
  let chain: StatusCheck;
  try {
    destinations = nodeDestinations(cluster);
    const ruleset = desiredNodeRuleset(cluster);
    const diffs = compareRuleset(ruleset, await readSavedTables(node, { timeoutMs }));
    const gre = destinations.filter((d) => d.protocol === 'gre').map((d) => `GRE to ${d.ip}`);
    chain = {
      ...base,
      check: NODE_CHAIN_CHECK,
      state: diffs.length === 0 ? 'up' : 'down',
      detail:
        diffs.length === 0
          ? `${destinationCount(ruleset)} destinations via the router${gre.length ? ` (${gre.join(', ')} judged by this chain)` : ''}`
          : `differs from what node-nat writes: ${diffs.join('; ')} (re-run bootstrap --only node-nat)`,
    };
  } catch (err) {
    return [{ ...base, check: NODE_CHAIN_CHECK, state: 'down', detail: `cannot read: ${errorDetail(err)}` }];
  }
  const limiter = new Limiter(PROBES_PER_NODE);
  const probes = destinations
    .filter((d) => d.protocol === 'tcp')
    .map((d) =>
      limiter.run(async (): Promise<StatusCheck> => {
        const label = `(${destinationLabel(cluster, d)})`;
        try {
          const judged = judgeProbe(await node.exec(probeCommand(d.ip, d.port!), { readOnly: true, timeoutMs: (PROBE_SECONDS + 3) * 1000 }));
          return { ...base, check: pathCheckName(d), state: judged.state, detail: `${judged.detail} ${label}` };
        } catch (err) {
          return { ...base, check: pathCheckName(d), state: 'down', detail: `probe failed: ${errorDetail(err)} ${label}` };
        }
      }),
    );
  return [chain, ...(await Promise.all(probes))];
}
