// The hosts of a cluster as the bootstrap reaches them. Managed controller: the router (also the
// Juju host) on its public IP, each service VM on its management IP through the router, the compute
// nodes on their public IPs. Existing controller: the Juju host and the compute nodes.
import type { ClusterModel, HostsEntry } from '../inventory/model.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';
import type { ClusterHost, ResolvedCluster } from './host.ts';

export const ROUTER_HOST = 'router';
export const JUJU_HOST = 'juju';

/**
 * The known_hosts name of a host behind a cluster's router (`ssh -o HostKeyAlias=` takes the same):
 * unique across clusters, where the management address is not.
 */
export function hostKeyAlias(cluster: string, vm: string): string {
  return `${cluster}.${vm}`;
}

export function resolveCluster(model: ClusterModel, outputs?: StackOutputs): ResolvedCluster {
  const user = model.ssh.user;
  const port = model.ssh.port;
  const hosts: ClusterHost[] = [];
  const c = model.controller;
  if (c.kind === 'managed') {
    if (!outputs) throw new Error(`cluster ${model.name} has a managed controller: give the stack outputs with --outputs FILE`);
    const jujuIsRouter = outputs.juju_host === outputs.router_public_ip || outputs.juju_host === outputs.router_management_ip;
    hosts.push({
      name: ROUTER_HOST,
      roles: jujuIsRouter ? ['router', 'juju'] : ['router'],
      address: outputs.router_public_ip,
      port,
      user,
      serviceVm: c.router.name,
    });
    if (!jujuIsRouter) hosts.push({ name: JUJU_HOST, roles: ['juju'], address: outputs.juju_host, port, user });
    for (const [vm, ip] of Object.entries(outputs.service_vm_ips).sort(([a], [b]) => a.localeCompare(b))) {
      if (vm === c.router.name || ip === outputs.router_management_ip) continue; // that is the router itself
      hosts.push({ name: vm, roles: ['service'], address: ip, port, user, via: ROUTER_HOST, hostKeyAlias: hostKeyAlias(model.name, vm), serviceVm: vm });
    }
  } else {
    hosts.push({ name: JUJU_HOST, roles: ['juju'], address: c.jujuHost, port, user: c.jujuUser });
  }
  for (const node of model.computeNodes) {
    hosts.push({
      name: node.name,
      roles: ['compute'],
      address: node.publicIp,
      port,
      user,
      ...(node.hostKey ? { hostKey: node.hostKey } : {}),
      computeNode: node,
    });
  }
  const names = new Set<string>();
  for (const h of hosts) {
    if (names.has(h.name)) throw new Error(`two hosts of cluster ${model.name} are named "${h.name}" (a compute node may not be named after a controller host)`);
    names.add(h.name);
  }
  return { model, ...(outputs ? { outputs } : {}), hosts };
}

/** The /etc/hosts block for the compute nodes: the stack's hosts_block, or the inventory's hosts. */
export function controllerHostsBlock(cluster: ResolvedCluster): readonly HostsEntry[] {
  const c = cluster.model.controller;
  if (c.kind === 'existing') return c.hosts;
  if (!cluster.outputs) throw new Error('managed controller without stack outputs');
  return cluster.outputs.hosts_block;
}
