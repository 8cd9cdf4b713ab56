import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/inventory/load.ts';

const DOCUMENTATION_RANGES = /^(192\.0\.2|198\.51\.100|203\.0\.113)\./;

describe('example inventories (the embedded default)', () => {
  it('example.yaml is a managed controller with three compute nodes on documentation addresses', () => {
    const model = loadModel('inventory/example.yaml');
    expect(model.name).toBe('example');
    expect(model.controller.kind).toBe('managed');
    expect(model.computeNodes.map((n) => n.name)).toEqual(['compute-1', 'compute-2', 'compute-3']);
    for (const node of model.computeNodes) expect(node.publicIp).toMatch(DOCUMENTATION_RANGES);
  });

  it("install-cloud.yaml is the guide's Install Cloud: juju-amazon-6/3, seven .amazon hosts, one new node", () => {
    const model = loadModel('inventory/install-cloud.yaml');
    if (model.controller.kind !== 'existing') throw new Error('expected an existing controller');
    expect(model.controller.greSecurityGroup).toBe('juju-amazon-6');
    expect(model.controller.keystoneSecurityGroup).toBe('juju-amazon-3');
    const aliases = model.controller.hosts.flatMap((h) => h.names.filter((n) => n.endsWith('.amazon')));
    expect(aliases.sort()).toEqual(
      ['juju.amazon', 'keystone.amazon', 'rabbitmq.amazon', 'nova_cc.amazon', 'mysql.amazon', 'glance.amazon', 'neutron.amazon'].sort(),
    );
    for (const h of model.controller.hosts) expect(h.ip).toMatch(DOCUMENTATION_RANGES);
    expect(model.computeNodes).toHaveLength(1);
    expect(model.computeNodes[0]!.publicIp).toMatch(DOCUMENTATION_RANGES);
  });
});
