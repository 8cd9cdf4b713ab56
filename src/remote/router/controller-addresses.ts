// Addresses of the managed controller as deployed: the stack outputs when present (what the
// cloud really handed out), the inventory's resolved model otherwise.
import type { ManagedController } from '../../inventory/model.ts';
import type { ResolvedCluster } from '../host.ts';

/** The managed controller of the run, or an error naming what was expected. */
export function managedController(cluster: ResolvedCluster): ManagedController {
  const c = cluster.model.controller;
  if (c.kind !== 'managed') throw new Error(`cluster ${cluster.model.name} has an existing controller; this step is for managed ones`);
  return c;
}

/** Whether the run's controller is the managed kind (the steps of this directory run only then). */
export const isManaged = (cluster: ResolvedCluster): boolean => cluster.model.controller.kind === 'managed';

/** A service VM's management address. */
export function serviceVmAddress(cluster: ResolvedCluster, vm: string): string {
  const fromOutputs = cluster.outputs?.service_vm_ips[vm];
  if (fromOutputs) return fromOutputs;
  const spec = managedController(cluster).serviceVms.find((v) => v.name === vm);
  if (!spec) throw new Error(`no service VM named ${vm}`);
  return spec.ip;
}

/** The router's management address (Juju's bootstrap-host). */
export function routerManagementAddress(cluster: ResolvedCluster): string {
  return cluster.outputs?.router_management_ip ?? managedController(cluster).router.ip;
}
