// `opencloud validate` counts each security group's inbound rules on the rules the stack creates
// (security-group-rules.ts) against the quotas, and refuses rules AWS would refuse as duplicates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatText } from '../../src/inventory/diagnostic.ts';
import { loadInventories, parseInventory } from '../../src/inventory/load.ts';
import { ruleCount, securityGroupRules } from '../../src/inventory/security-group-rules.ts';
import { AWS_DEFAULT_QUOTAS, PORT_FORWARDS } from '../../src/inventory/reference.ts';
import { EXISTING, edit, HARDWARE, managedWithNodes as managed, nodeLines, problems } from './fixtures.ts';


const counts = (text: string) => {
  const model = parseInventory(text, 'lab.yaml').model!;
  return Object.fromEntries(securityGroupRules(model).map((g) => [g.role, ruleCount(g)]));
};

describe('rules per security group', () => {
  it('fit 25 compute nodes with two client networks in the default quota: one rule per node and group', () => {
    const text = managed(['203.0.113.0/24', '198.51.100.0/24'], 25);
    expect(problems(text)).toEqual([]);
    // Router: 8 forwards and SSH from each client network + 25 nodes; management: itself, 7 VM ports per client network + 25 nodes.
    expect(counts(text)).toEqual({ router: 2 * (PORT_FORWARDS.length + 1) + 25, management: 1 + 2 * 7 + 25 });
    expect(Math.max(...Object.values(counts(text)))).toBeLessThanOrEqual(AWS_DEFAULT_QUOTAS.rulesPerSecurityGroup);
  });

  it('refuse a group over the quota, at the controller, with the numbers and the quota to raise', () => {
    // 9 client rules + 52 nodes = 61 on the router's group; the management group has 8 + 52 = 60.
    const text = managed(['203.0.113.0/24'], 52);
    expect(problems(text)).toEqual([
      "4:3: controller: the router's security group needs 61 inbound rules (9 client rules + 52 compute nodes); the quota is 60 rules per group: raise 'Inbound or outbound rules per security group' in Service Quotas (Amazon VPC), or set quotas.rulesPerSecurityGroup if it is already raised",
    ]);
    expect(problems(managed(['203.0.113.0/24'], 51))).toEqual([]);
  });

  it('follow the stated quota, both ways', () => {
    expect(problems(managed(['203.0.113.0/24'], 52, ['quotas: { rulesPerSecurityGroup: 100 }']))).toEqual([]);
    const low = problems(managed(['203.0.113.0/24'], 3, ['quotas: { rulesPerSecurityGroup: 11 }']));
    expect(low).toEqual([
      expect.stringMatching(/^5:3: controller: the router's security group needs 12 inbound rules \(9 client rules \+ 3 compute nodes\); the quota is 11 /),
    ]);
    expect(problems(managed(['203.0.113.0/24'], 3, ['quotas: { rulesPerSecurityGroup: 12 }']))).toEqual([]);
  });

  it('count for an existing controller only the rules this stack adds, and say so', () => {
    const text = edit(EXISTING, { 2: 'region: us-east-1\nquotas: { rulesPerSecurityGroup: 1 }', 14: `    hardware: ${HARDWARE}\n${nodeLines(1, 2).join('\n')}` });
    expect(problems(text)).toEqual([
      "6:21: controller.greSecurityGroup: this stack adds 2 inbound rules to security group juju-amazon-6 (2 compute nodes), on top of the rules the group already has; the quota is 1 rules per group: raise 'Inbound or outbound rules per security group' in Service Quotas (Amazon VPC), or set quotas.rulesPerSecurityGroup if it is already raised",
      "7:26: controller.keystoneSecurityGroup: this stack adds 2 inbound rules to security group juju-amazon-3 (2 compute nodes), on top of the rules the group already has; the quota is 1 rules per group: raise 'Inbound or outbound rules per security group' in Service Quotas (Amazon VPC), or set quotas.rulesPerSecurityGroup if it is already raised",
    ]);
  });

  it('are checked against quotas AWS can grant', () => {
    expect(problems(managed(['203.0.113.0/24'], 1, ['quotas: { rulesPerSecurityGroup: 250 }']))).toEqual([
      '3:9: quotas: rulesPerSecurityGroup x securityGroupsPerInterface is 1250; AWS allows at most 1000 (it lowers one quota when the other is raised)',
    ]);
    expect(problems(managed(['203.0.113.0/24'], 1, ['quotas: { rulesPerSecurityGroup: 200, securityGroupsPerInterface: 5 }']))).toEqual([]);
    expect(problems(managed(['203.0.113.0/24'], 1, ['quotas: { securityGroupsPerInterface: 0, rulesPerSecurityGroup: 60.5 }']))).toEqual([
      '3:39: quotas.securityGroupsPerInterface: must be at least 1 group',
      '3:65: quotas.rulesPerSecurityGroup: must be a whole number of rules',
    ]);
  });
});

describe('duplicate rules', () => {
  it('refuse two equal client networks once, at the second, naming the first', () => {
    const text = managed(['203.0.113.0/24', '198.51.100.0/24', '203.0.113.0/24'], 1);
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^8:50: controller\.clientCidrs\[2\]: repeats controller\.clientCidrs\[0\]: the rules tcp 35357 from 203\.0\.113\.0\/24 in the router's security group; .* and \d+ more would be made twice, and AWS refuses duplicate rules \(InvalidPermission\.Duplicate\); remove one$/,
    );
  });

  it('accept a client network equal to, or containing, a compute node\'s /32: its rules differ from the node\'s', () => {
    for (const client of ['198.18.0.1/32', '198.18.0.0/24']) {
      const text = managed(['203.0.113.0/24', client], 2);
      expect(problems(text)).toEqual([]);
      const model = parseInventory(text, 'lab.yaml').model!;
      for (const g of securityGroupRules(model)) {
        const keys = [...g.shared, ...g.nodes.flatMap((n) => n.rules)].map((r) => `${r.protocol} ${r.port ?? ''} ${r.cidr}`);
        expect(new Set(keys).size).toBe(keys.length);
      }
    }
  });

  it('refuse the same forwarded port twice, and an existing controller\'s node address twice, once each', () => {
    const forwards = managed(['203.0.113.0/24'], 1, []).replace(
      '  clientCidrs:',
      '  forwards: [{ port: 5000, vm: keystone, vmPort: 5000 }, { port: 5000, vm: glance, vmPort: 9292 }]\n  clientCidrs:',
    );
    expect(problems(forwards)).toEqual(['8:66: controller.forwards[1].port: port "5000" is already used by entry 1']);
    const twice = edit(EXISTING, { 14: `    hardware: ${HARDWARE}\n  - { name: node-2, publicIp: 198.51.100.31, hardware: ${HARDWARE} }` });
    expect(problems(twice)).toEqual(['15:31: computeNodes[1].publicIp: IP address "198.51.100.31" is already used by entry 1']);
  });
});

describe('clusters sharing an existing controller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-groups-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };

  it('refuse the same node in two inventories: two stacks would make one rule twice in the Juju group', () => {
    const a = file('a', EXISTING.join('\n'));
    const b = file('b', edit(EXISTING, { 1: 'name: other', 12: '  - name: node-9' }));
    const { models, diagnostics } = loadInventories([a, b]);
    expect(models.map((m) => m.name)).toEqual(['install']);
    expect(diagnostics.map(formatText)).toEqual([
      `${b}:13:15: computeNodes[0].publicIp: cluster install (${a}) already adds gre from 198.51.100.31/32 to security group juju-amazon-6; AWS refuses the same rule from a second stack (InvalidPermission.Duplicate): list the node in one inventory only`,
      `${b}:13:15: computeNodes[0].publicIp: cluster install (${a}) already adds tcp 35357 from 198.51.100.31/32 to security group juju-amazon-3; AWS refuses the same rule from a second stack (InvalidPermission.Duplicate): list the node in one inventory only`,
    ]);
  });

  it('count the rules of every stack against the group\'s quota', () => {
    const quota = 'region: us-east-1\nquotas: { rulesPerSecurityGroup: 1 }';
    const a = file('c', edit(EXISTING, { 2: quota }));
    const b = file('d', edit(EXISTING, { 1: 'name: other', 2: quota, 12: '  - name: node-9', 13: '    publicIp: 198.51.100.39' }));
    const { models, diagnostics } = loadInventories([a, b]);
    expect(models.map((m) => m.name)).toEqual(['install']);
    expect(diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      expect.stringMatching(/^6:21: controller.greSecurityGroup: the stacks of clusters install, other add 2 inbound rules to security group juju-amazon-6 together, on top of the rules the group already has; the quota is 1 /),
      expect.stringMatching(/^7:26: controller.keystoneSecurityGroup: the stacks of clusters install, other add 2 inbound rules to security group juju-amazon-3 together/),
    ]);
  });
});
