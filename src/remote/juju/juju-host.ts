// Which host runs the juju commands: the managed controller's router (role `juju` too), or the
// existing controller's `jujuHost`, which the engine names with role `juju`.
import type { ClusterHost, HostSession, ResolvedCluster } from '../host.ts';
import { JujuClient } from './client.ts';

export function jujuHost(cluster: ResolvedCluster): ClusterHost {
  const host = cluster.hosts.find((h) => h.roles.includes('juju'));
  if (!host) {
    throw new Error(
      cluster.model.controller.kind === 'existing'
        ? `no Juju host in this run (controller.jujuHost ${cluster.model.controller.jujuHost} was not resolved to a host)`
        : 'no Juju host in this run (the managed controller has no router with role juju)',
    );
  }
  return host;
}

/** What can open a session to any host of the cluster: a step's context, status's sessions. */
export interface ClusterSessions {
  readonly cluster: ResolvedCluster;
  session(hostName: string): Promise<HostSession>;
}

/** A Juju client on the Juju host's session (connected on first use). */
export async function jujuClient(ctx: ClusterSessions): Promise<JujuClient> {
  return new JujuClient(await ctx.session(jujuHost(ctx.cluster).name));
}
