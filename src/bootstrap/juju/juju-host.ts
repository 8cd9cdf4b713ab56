// Which host runs the juju commands: the managed controller's router (role `juju` too), or the
// existing controller's `jujuHost`, which the engine names with role `juju`.
import type { BootstrapCluster, BootstrapHost, StepContext } from '../step.ts';
import { JujuClient } from './client.ts';

export function jujuHost(cluster: BootstrapCluster): BootstrapHost {
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

/** A Juju client on the Juju host's session (connected on first use). */
export async function jujuClient(ctx: StepContext): Promise<JujuClient> {
  return new JujuClient(await ctx.session(jujuHost(ctx.cluster).name));
}
