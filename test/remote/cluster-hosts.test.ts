import { describe, expect, it } from 'vitest';
import { controllerHostsBlock, resolveCluster } from '../../src/remote/cluster-hosts.ts';
import { selectHosts } from '../../src/bootstrap/plan.ts';
import { parseInventory } from '../../src/inventory/load.ts';
import { readFileSync } from 'node:fs';
import type { StackOutputs } from '../../src/inventory/stack-outputs.ts';

const model = (file: string) => parseInventory(readFileSync(file, 'utf8'), file).model!;
const outputs: StackOutputs = {
  router_public_ip: '198.51.100.2',
  router_management_ip: '192.168.100.10',
  service_vm_ips: { juju: '192.168.100.10', keystone: '192.168.100.40', glance: '192.168.100.30' },
  hosts_block: [{ ip: '198.51.100.2', names: ['keystone.amazon'] }],
  juju_host: '198.51.100.2',
};

describe('cluster hosts', () => {
  it('managed: the router (also the Juju host), service VMs through it, compute nodes', () => {
    const c = resolveCluster(model('inventory/example.yaml'), outputs);
    expect(c.hosts.map((h) => `${h.name} ${h.roles.join('+')} ${h.address}${h.via ? ` via ${h.via}` : ''}`)).toEqual([
      'router router+juju 198.51.100.2',
      'glance service 192.168.100.30 via router',
      'keystone service 192.168.100.40 via router',
      'compute-1 compute 198.51.100.11',
      'compute-2 compute 198.51.100.12',
      'compute-3 compute 198.51.100.13',
    ]);
    expect(selectHosts('juju', c).map((h) => h.name)).toEqual(['router']);
    expect(selectHosts(['service', 'router'], c)).toHaveLength(3);
    expect(controllerHostsBlock(c)).toEqual(outputs.hosts_block);
    expect(() => resolveCluster(model('inventory/example.yaml'))).toThrow(/--outputs/);
  });

  it('existing: the Juju host as jujuUser, and the inventory hosts block', () => {
    const m = model('inventory/install-cloud.yaml');
    const c = resolveCluster(m);
    expect(c.hosts.map((h) => `${h.name} ${h.roles.join('+')} ${h.user}@${h.address}`)).toEqual(['juju juju ubuntu@203.0.113.20', 'node-1 compute ubuntu@198.51.100.31']);
    expect(controllerHostsBlock(c)).toBe(m.controller.kind === 'existing' ? m.controller.hosts : undefined);
  });
});
