// The design of the security groups (README, "Security groups"): one rule per compute node and
// group, so 25 nodes fit AWS's default 60 rules per group, the stack creates exactly the rules
// validate counts, and adding a node adds only that node's rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AWS_DEFAULT_QUOTAS } from '../../src/inventory/reference.ts';
import { ruleCount, securityGroupRules } from '../../src/inventory/security-group-rules.ts';
import { managedWithNodes } from '../inventory/fixtures.ts';
import { modelOf, ref, resources, synthFile, synthModel, type Block, type Synthesized } from './helpers.ts';

const TWO_CLIENTS = ['203.0.113.0/24', '198.51.100.0/24'];

/** Inbound rules per security group reference, as synthesized. */
function rulesPerGroup(s: Synthesized): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of resources(s, 'aws_vpc_security_group_ingress_rule')) m.set(String(r.security_group_id), (m.get(String(r.security_group_id)) ?? 0) + 1);
  return m;
}

const ingress = (s: Synthesized): Record<string, Block> => s.json.resource.aws_vpc_security_group_ingress_rule ?? {};

describe('25 compute nodes, two client networks', () => {
  const model = modelOf(managedWithNodes(TWO_CLIENTS, 25));
  const s = synthModel(model);

  it('synthesize within the default quota of rules per group', () => {
    const counts = rulesPerGroup(s);
    expect([...counts.values()].every((n) => n <= AWS_DEFAULT_QUOTAS.rulesPerSecurityGroup)).toBe(true);
    expect(counts.get(ref(s, 'aws_security_group', 'router-security-group'))).toBe(43);
    expect(counts.get(ref(s, 'aws_security_group', 'management-firewall_security-group'))).toBe(40);
  });

  it('are exactly the rules validate counts, group by group', () => {
    const counts = rulesPerGroup(s);
    const planned = Object.fromEntries(securityGroupRules(model).map((g) => [g.role, ruleCount(g)]));
    expect({
      router: counts.get(ref(s, 'aws_security_group', 'router-security-group')),
      management: counts.get(ref(s, 'aws_security_group', 'management-firewall_security-group')),
    }).toEqual(planned);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(Object.values(planned).reduce((a, b) => a + b, 0));
  });

  it('hold no two identical rules (group, protocol, ports, source), even with a client network on a node\'s /32', () => {
    for (const clients of [TWO_CLIENTS, ['203.0.113.0/24', '198.18.0.1/32'], ['198.18.0.0/24', '198.18.0.1/32']]) {
      const rules = resources(synthModel(modelOf(managedWithNodes(clients, 3))), 'aws_vpc_security_group_ingress_rule');
      const keys = rules.map((r) => [r.security_group_id, r.ip_protocol, r.from_port, r.to_port, r.cidr_ipv4].join(' '));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('change by only the new node\'s two rules when a node is added, and by only its own when one is removed', () => {
    const more = ingress(synthModel(modelOf(managedWithNodes(TWO_CLIENTS, 26))));
    const before = ingress(s);
    const added = Object.keys(more).filter((k) => !(k in before));
    expect(added.sort()).toEqual([expect.stringMatching(/^compute-access-compute-26_all_/), expect.stringMatching(/^compute-forwarded-compute-26_all_/)]);
    for (const k of added) expect(more[k]).toMatchObject({ ip_protocol: '-1', cidr_ipv4: '198.18.0.26/32' });
    for (const [k, body] of Object.entries(before)) expect(more[k]).toEqual(body);
    // Every other resource of the stack is untouched as well.
    const all = (x: Synthesized) => Object.entries(x.json.resource).flatMap(([type, blocks]) => Object.entries(blocks).map(([id, b]): [string, string] => [`${type}.${id}`, JSON.stringify(b)]));
    const beforeAll = new Map(all(s));
    const afterAll = all(synthModel(modelOf(managedWithNodes(TWO_CLIENTS, 26))));
    expect(afterAll.filter(([k, v]) => beforeAll.get(k) !== v).map(([k]) => k.split('.')[0])).toEqual(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_ingress_rule']);

    // Without compute-10 (the list's middle): only compute-10's rules go.
    const text = managedWithNodes(TWO_CLIENTS, 25).split('\n').filter((l) => !l.includes('name: compute-10,')).join('\n');
    const fewer = ingress(synthModel(modelOf(text)));
    expect(Object.keys(before).filter((k) => !(k in fewer)).sort()).toEqual([
      expect.stringMatching(/^compute-access-compute-10_all_/),
      expect.stringMatching(/^compute-forwarded-compute-10_all_/),
    ]);
    for (const [k, body] of Object.entries(fewer)) expect(before[k]).toEqual(body);
  });
});

describe('every stack', () => {
  const ec2 = readFileSync('inventory/example.yaml', 'utf8').replace('    publicIp: 198.51.100.12\n', '    publicIp: 198.51.100.12\n    ec2: { instanceType: m5.4xlarge }\n');
  const stacks: [string, Synthesized][] = [
    ['example', synthFile('inventory/example.yaml')],
    ['install-cloud (existing controller)', synthFile('inventory/install-cloud.yaml')],
    ['example with an EC2 compute node', synthModel(modelOf(ec2, 'example-ec2.yaml'))],
  ];
  it.each(stacks)('%s creates exactly the rules validate counts, group by group', (_, s) => {
    const planned = securityGroupRules(s.model).map(ruleCount).sort((a, b) => a - b);
    expect([...rulesPerGroup(s).values()].sort((a, b) => a - b)).toEqual(planned);
  });
});
