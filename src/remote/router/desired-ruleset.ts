// The ruleset a cluster's router must have: router/ruleset.ts built from the inventory and the
// addresses the stack gave the service VMs. The router step applies it; status compares with it.
import { JUJU_API_PORT } from '../../inventory/reference.ts';
import type { ResolvedCluster } from '../host.ts';
import { managedController, serviceVmAddress } from './controller-addresses.ts';
import type { RouterInterfaces } from './interfaces.ts';
import { buildRuleset, type Ruleset } from './ruleset.ts';

/** The ruleset this cluster's router must have, given its interfaces. */
export function desiredRuleset(cluster: ResolvedCluster, interfaces: RouterInterfaces): Ruleset {
  const c = managedController(cluster);
  return buildRuleset({
    publicInterface: interfaces.public,
    managementInterface: interfaces.management,
    managementCidr: c.managementCidr,
    forwards: c.forwards.map((f) => ({ port: f.port, vmIp: serviceVmAddress(cluster, f.vm), vmPort: f.vmPort })),
    computePorts: c.computePorts.map((p) => ({ protocol: p.protocol, ...(p.port !== undefined ? { port: p.port } : {}), vmIp: serviceVmAddress(cluster, p.vm) })),
    computeNodeIps: cluster.model.computeNodes.map((n) => n.publicIp),
    computeRouterPorts: [JUJU_API_PORT],
    clientCidrs: c.clientCidrs,
    allowAnyClient: c.allowAnyClient,
  });
}
