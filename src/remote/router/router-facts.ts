// What the router shows, read from the host: its interfaces (which is public, which is on the
// management network) and the saved iptables tables. The router step and `opencloud status`
// both read these, so both find the same interfaces and compare the same tables.
import type { ResolvedCluster, ExecOptions, HostSession } from '../host.ts';
import { managedController, routerManagementAddress } from './controller-addresses.ts';
import { findRouterInterfaces, parseAddresses, parseDefaultRouteDevice, type RouterInterfaces } from './interfaces.ts';
import type { Table } from './ruleset.ts';
import { parseSaved, TABLES, type SavedTable } from './ruleset-sync.ts';

export async function readRouterInterfaces(session: HostSession, cluster: ResolvedCluster, options: ExecOptions = {}): Promise<RouterInterfaces> {
  const c = managedController(cluster);
  const opts = { ...options, readOnly: true };
  const [addresses, routes] = await Promise.all([
    session.run(['ip', '-4', '-o', 'addr', 'show'], opts),
    session.run(['ip', '-4', 'route', 'show', 'default'], opts),
  ]);
  const defaultRouteDevice = parseDefaultRouteDevice(routes);
  return findRouterInterfaces(
    { addresses: parseAddresses(addresses), ...(defaultRouteDevice ? { defaultRouteDevice } : {}) },
    {
      managementIp: routerManagementAddress(cluster),
      managementCidr: c.managementCidr,
      ...(cluster.outputs ? { publicIp: cluster.outputs.router_public_ip } : {}),
      publicSubnetCidr: c.publicSubnetCidr,
    },
  );
}

export async function readSavedTables(session: HostSession, options: ExecOptions = {}): Promise<Record<Table, SavedTable>> {
  const out = {} as Record<Table, SavedTable>;
  for (const table of TABLES) out[table] = parseSaved(await session.run(['iptables-save', '-t', table], { ...options, sudo: true, readOnly: true }), table);
  return out;
}
