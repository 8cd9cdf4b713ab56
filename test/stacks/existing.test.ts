// The guide's Install Cloud (inventory/install-cloud.yaml): only the compute nodes' rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExistingController } from '../../src/inventory/model.ts';
import { InventoryError } from '../../src/inventory/diagnostic.ts';
import { loadClusters } from '../../stacks/app.ts';
import { dataRef, dataSources, modelOf, resources, synthFile, synthModel } from './helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const s = synthFile('inventory/install-cloud.yaml');
const c = s.model.controller as ExistingController;
const text = readFileSync('inventory/install-cloud.yaml', 'utf8');

describe('existing controller', () => {
  it('looks the two Juju security groups up by name, never creating them, and fails at plan unless each name matches one group', () => {
    const lookups = dataSources(s, 'aws_security_groups');
    expect(lookups.map((g) => g.filter)).toEqual([[{ name: 'group-name', values: ['juju-amazon-6'] }], [{ name: 'group-name', values: ['juju-amazon-3'] }]]);
    for (const g of lookups) {
      const [one] = (g.lifecycle as { postcondition: { condition: string; error_message: string }[] }).postcondition;
      expect(one!.condition).toBe('${length(self.ids) == 1}');
      expect(one!.error_message).toMatch(/^controller\.(gre|keystone)SecurityGroup "juju-amazon-[63]" must name exactly one security group in us-east-1, not \$\{length\(self\.ids\)\}: set controller\.vpcId, or give the group's ID \(sg-\.\.\.\)\.$/);
    }
    expect(s.json.resource.aws_security_group).toBeUndefined();
  });

  it('takes group IDs (sg-...) as they are, looked up by ID', () => {
    const byId = synthModel(modelOf(text.replace('juju-amazon-6', 'sg-0123456789abcdef0')));
    expect(dataSources(byId, 'aws_security_group')).toEqual([{ id: 'sg-0123456789abcdef0' }]);
    expect(dataSources(byId, 'aws_security_groups').map((g) => g.filter)).toEqual([[{ name: 'group-name', values: ['juju-amazon-3'] }]]);
    expect(byId).toHaveResourceWithProperties('aws_vpc_security_group_ingress_rule', { ip_protocol: '47', security_group_id: '${data.aws_security_group.controller-access_gre-group_1B769C84.id}' });
  });

  it('adds GRE to the first and TCP 35357 to the second, from each node /32, and nothing else', () => {
    const gre = `\${element(${dataRef(s, 'aws_security_groups', 'controller-access_gre-group', 'ids').slice(2, -1)}, 0)}`;
    const keystone = `\${element(${dataRef(s, 'aws_security_groups', 'controller-access_keystone-group', 'ids').slice(2, -1)}, 0)}`;
    expect(Object.keys(s.json.resource)).toEqual(['aws_vpc_security_group_ingress_rule']);
    const rules = resources(s, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(2);
    expect(s).toHaveResourceWithProperties('aws_vpc_security_group_ingress_rule', { security_group_id: gre, ip_protocol: '47', cidr_ipv4: '198.51.100.31/32' });
    expect(s).toHaveResourceWithProperties('aws_vpc_security_group_ingress_rule', {
      security_group_id: keystone,
      ip_protocol: 'tcp',
      from_port: 35357,
      to_port: 35357,
      cidr_ipv4: '198.51.100.31/32',
    });
    for (const r of rules) expect(r.description).toMatch(/compute node node-1$/);
  });

  it('outputs the juju host and the hosts block of the inventory, and nothing of a router', () => {
    expect(s.json.output).toEqual({
      juju_host: expect.objectContaining({ value: '203.0.113.20' }),
      hosts_block: expect.objectContaining({ value: c.hosts.map((h) => ({ ip: h.ip, names: [...h.names] })) }),
    });
  });

  it('narrows the lookup to the VPC when vpcId is given', () => {
    const withVpc = synthModel(modelOf(text.replace('  jujuHost:', '  vpcId: vpc-0123456789abcdef0\n  jujuHost:')));
    expect(dataSources(withVpc, 'aws_security_groups')).toHaveLength(2);
    for (const g of dataSources(withVpc, 'aws_security_groups')) {
      expect(g.filter).toContainEqual({ name: 'vpc-id', values: ['vpc-0123456789abcdef0'] });
    }
  });

  it('gets one pair of rules per node', () => {
    const second = text + ['  - name: node-2', '    publicIp: 198.51.100.32', '    hardware: { cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }', ''].join('\n');
    const two = synthModel(modelOf(second));
    expect(resources(two, 'aws_vpc_security_group_ingress_rule').map((r) => `${String(r.ip_protocol)} ${String(r.cidr_ipv4)}`).sort()).toEqual([
      '47 198.51.100.31/32',
      '47 198.51.100.32/32',
      'tcp 198.51.100.31/32',
      'tcp 198.51.100.32/32',
    ]);
  });

  it('rejects EC2 compute nodes, at the ec2 key, until the inventory can name a subnet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencloud-existing-'));
    const file = join(dir, 'install-cloud.yaml');
    writeFileSync(file, text.replace('    publicIp: 198.51.100.31\n', '    publicIp: 198.51.100.31\n    ec2: { instanceType: m5.4xlarge }\n'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('ec2:')) + 1;
    expect(() => loadClusters([file])).toThrow(InventoryError);
    try {
      loadClusters([file]);
    } catch (e) {
      expect((e as InventoryError).message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:${line}:\\d+: computeNodes\\[0\\]\\.ec2: EC2 compute nodes need a subnet`));
    }
  });
});
