// The chain a cluster's compute nodes must have (router/node-ruleset.ts): each compute port at its
// VM's management address, GRE to the gateway's, and the Juju API at the router's management
// address, all sent to the router's public address. The node-nat step applies it; status probes it.
import { JUJU_API_PORT } from '../../inventory/reference.ts';
import type { ResolvedCluster } from '../host.ts';
import { managedController, routerManagementAddress, serviceVmAddress } from './controller-addresses.ts';
import { buildNodeRuleset, type NodeDestination } from './node-ruleset.ts';
import type { Ruleset } from './ruleset.ts';

/** Every (management address, port) a compute node must reach, GRE included. */
export function nodeDestinations(cluster: ResolvedCluster): NodeDestination[] {
  const c = managedController(cluster);
  return [
    ...c.computePorts.map((p): NodeDestination => ({ protocol: p.protocol, ip: serviceVmAddress(cluster, p.vm), ...(p.port !== undefined ? { port: p.port } : {}) })),
    { protocol: 'tcp', ip: routerManagementAddress(cluster), port: JUJU_API_PORT },
  ];
}

/** The router's public address, which only the stack outputs know. */
export function routerPublicAddress(cluster: ResolvedCluster): string {
  const ip = cluster.outputs?.router_public_ip;
  if (!ip) throw new Error(`cluster ${cluster.model.name}: no stack outputs, so the router's public address is unknown (deploy the stack first)`);
  return ip;
}

export function desiredNodeRuleset(cluster: ResolvedCluster): Ruleset {
  return buildNodeRuleset({
    routerPublicIp: routerPublicAddress(cluster),
    managementCidr: managedController(cluster).managementCidr,
    destinations: nodeDestinations(cluster),
  });
}
