import { describe, expect, it } from 'vitest';
import { diffSyntheses, diffStack, hasDifferences } from '../../src/review/stack-diff.ts';
import type { SynthesizedStacks, TerraformDocument } from '../../src/terraform/terraform-json.ts';
import { EXAMPLE, fakeStack } from './fake-stack.ts';

const side = (label: string, ...docs: [string, TerraformDocument][]): SynthesizedStacks => ({ label, stacks: new Map(docs), notes: [] });

describe('diffSyntheses', () => {
  it('finds nothing between two syntheses of one inventory in different checkouts', () => {
    const report = diffSyntheses(
      side('base', ['example', fakeStack(EXAMPLE, '/tmp/opencloud-base-x/checkout')]),
      side('head', ['example', fakeStack(EXAMPLE, '/work/main')]),
    );
    expect(hasDifferences(report)).toBe(false);
    expect(report.stacks).toEqual([expect.objectContaining({ name: 'example', action: 'unchanged', resources: [], settings: [] })]);
  });

  it("shows exactly one more compute node's rules, and no noise", () => {
    const more = { ...EXAMPLE, nodes: [...EXAMPLE.nodes, { name: 'compute-4', publicIp: '198.51.100.14' }] };
    const stack = diffStack('example', fakeStack(EXAMPLE), fakeStack(more));
    expect(stack.action).toBe('change');
    expect(stack.settings).toEqual([]);
    expect(stack.resources.map((r) => [r.action, r.address, r.rules.map((c) => c.text)])).toEqual([
      ['add', 'aws_vpc_security_group_ingress_rule.compute-compute-4_gre', ['gre from 198.51.100.14/32']],
      ['add', 'aws_vpc_security_group_ingress_rule.compute-compute-4_tcp-35357', ['tcp 35357 from 198.51.100.14/32']],
      ['add', 'aws_vpc_security_group_ingress_rule.compute-compute-4_tcp-5672', ['tcp 5672 from 198.51.100.14/32']],
    ]);
    expect(stack.warnings).toEqual([
      expect.objectContaining({ kind: 'open-network', subject: '198.51.100.14/32', message: 'opens to a new network 198.51.100.14/32: gre, tcp 5672, tcp 35357 on example-router' }),
    ]);
  });

  it('shows a changed instance type as a change of that attribute, with a restart warning', () => {
    const stack = diffStack('example', fakeStack(EXAMPLE), fakeStack({ ...EXAMPLE, glanceType: 'm5.large' }));
    expect(stack.resources).toEqual([
      expect.objectContaining({ address: 'aws_instance.glance', action: 'change', changes: [{ path: 'instance_type', before: 't3.medium', after: 'm5.large' }] }),
    ]);
    expect(stack.warnings).toEqual([
      expect.objectContaining({ kind: 'restart', subject: 'aws_instance.glance', message: expect.stringContaining('instance_type "t3.medium" -> "m5.large"') }),
    ]);
  });

  it('flattens a root volume change to its path', () => {
    const stack = diffStack('example', fakeStack(EXAMPLE), fakeStack({ ...EXAMPLE, glanceDisk: 320 }));
    expect(stack.resources[0]?.changes).toEqual([{ path: 'root_block_device.volume_size', before: 160, after: 320 }]);
    expect(stack.warnings.map((w) => w.kind)).toEqual(['root-volume']);
  });

  it('warns when an instance is replaced or destroyed', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.resource.aws_instance.glance.private_ip = '192.168.100.31';
    delete after.resource.aws_instance.keystone;
    const stack = diffStack('example', before, after);
    expect(stack.warnings.map((w) => [w.kind, w.subject])).toEqual([
      ['replace', 'aws_instance.glance'],
      ['destroy', 'aws_instance.keystone'],
    ]);
    expect(stack.warnings[1]?.message).toBe('aws_instance.keystone (example-keystone) is destroyed');
  });

  it('warns when the AMI lookup of instances changes', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.data.aws_ami.ubuntu.filter[0].values = ['ubuntu/images/*xenial-16.04-amd64-server-*'];
    const stack = diffStack('example', before, after);
    expect(stack.resources.map((r) => r.address)).toEqual(['data.aws_ami.ubuntu']);
    expect(stack.warnings.map((w) => [w.kind, w.subject])).toEqual([
      ['replace', 'aws_instance.glance'],
      ['replace', 'aws_instance.keystone'],
    ]);
  });

  it('warns loudly about networks that open a port to the internet by another name', () => {
    const halves = diffStack('example', fakeStack(EXAMPLE), fakeStack({ ...EXAMPLE, clientCidrs: ['203.0.113.0/24', '0.0.0.0/1'] }));
    expect(halves.warnings).toEqual([
      expect.objectContaining({ kind: 'open-world', subject: '0.0.0.0/1', message: 'opens to the whole internet 0.0.0.0/1: tcp 5000 on example-router' }),
    ]);
    const narrow = diffStack('example', fakeStack(EXAMPLE), fakeStack({ ...EXAMPLE, clientCidrs: ['203.0.113.0/24', '16.0.0.0/5', '24.0.0.0/5'] }));
    expect(narrow.warnings.filter((w) => w.kind === 'open-world')).toEqual([
      expect.objectContaining({
        subject: '203.0.113.0/24 + 16.0.0.0/5 + 24.0.0.0/5',
        message: 'opens to 6.25% of the internet through 3 networks (203.0.113.0/24, 16.0.0.0/5, 24.0.0.0/5): tcp 5000 on example-router',
      }),
    ]);
  });

  it('warns loudly about a rule open to the whole internet', () => {
    const stack = diffStack('example', fakeStack(EXAMPLE), fakeStack({ ...EXAMPLE, clientCidrs: ['203.0.113.0/24', '0.0.0.0/0'] }));
    expect(stack.warnings).toEqual([
      expect.objectContaining({ kind: 'open-world', subject: '0.0.0.0/0', message: 'opens to the whole internet 0.0.0.0/0: tcp 5000 on example-router' }),
    ]);
  });

  it('does not warn about a new rule from a network the base already admits', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.resource.aws_vpc_security_group_ingress_rule['compute-compute-1_tcp-3306'] = {
      ...after.resource.aws_vpc_security_group_ingress_rule['compute-compute-1_tcp-5672'],
      from_port: 3306,
      to_port: 3306,
    };
    const stack = diffStack('example', before, after);
    expect(stack.resources[0]?.rules.map((c) => c.text)).toEqual(['tcp 3306 from 198.51.100.11/32']);
    expect(stack.warnings).toEqual([]);
  });

  // One all-traffic rule per compute node and group (README, "Security groups"): the review must read -1 sensibly.
  it('shows all-traffic (-1) rules as such, and warns when they open to a new network or to the internet', () => {
    const before = fakeStack(EXAMPLE);
    const rules = (doc: any) => doc.resource.aws_vpc_security_group_ingress_rule;
    const allFrom = (cidr: string) => ({ ...rules(before)['compute-compute-1_gre'], ip_protocol: '-1', cidr_ipv4: cidr, description: `all traffic from ${cidr}` });
    const node = structuredClone(before) as any;
    rules(node)['compute-compute-4_all'] = allFrom('198.51.100.14/32');
    rules(node)['compute-compute-1_gre'].ip_protocol = '-1';
    const stack = diffStack('example', before, node);
    expect(stack.resources.map((r) => [r.action, r.address, r.rules.map((c) => `${c.action} ${c.text}`)])).toEqual([
      ['change', 'aws_vpc_security_group_ingress_rule.compute-compute-1_gre', ['remove gre from 198.51.100.11/32', 'add all traffic from 198.51.100.11/32']],
      ['add', 'aws_vpc_security_group_ingress_rule.compute-compute-4_all', ['add all traffic from 198.51.100.14/32']],
    ]);
    expect(stack.warnings).toEqual([
      expect.objectContaining({ kind: 'open-network', subject: '198.51.100.14/32', message: 'opens to a new network 198.51.100.14/32: all traffic on example-router' }),
    ]);

    const world = structuredClone(before) as any;
    rules(world)['anything'] = allFrom('0.0.0.0/0');
    expect(diffStack('example', before, world).warnings).toEqual([
      expect.objectContaining({ kind: 'open-world', subject: '0.0.0.0/0', message: 'opens to the whole internet 0.0.0.0/0: all traffic on example-router' }),
    ]);
    const wide = structuredClone(before) as any;
    rules(wide)['half'] = allFrom('128.0.0.0/1');
    expect(diffStack('example', before, wide).warnings.map((w) => [w.kind, w.subject])).toEqual([['open-world', '128.0.0.0/1']]);

    // All traffic from 16.0.0.0/5 opens tcp 5000 too: with 24.0.0.0/5 there, a /4's worth.
    const mixed = structuredClone(before) as any;
    rules(mixed)['clients-0_tcp-5000'].cidr_ipv4 = '24.0.0.0/5';
    rules(mixed)['narrow-all'] = allFrom('16.0.0.0/5');
    expect(diffStack('example', before, mixed).warnings.filter((w) => w.kind === 'open-world')).toEqual([
      expect.objectContaining({
        subject: '24.0.0.0/5 + 16.0.0.0/5',
        message: 'opens to 6.25% of the internet through 2 networks (24.0.0.0/5, 16.0.0.0/5): tcp 5000 on example-router',
      }),
    ]);
  });

  it('reports settings only when they really change', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.provider.aws[0].region = 'eu-west-1';
    after['//'].metadata.version = '0.22.0';
    const stack = diffStack('example', before, after);
    expect(stack.settings).toEqual([{ path: 'provider.aws[0].region', before: 'us-east-1', after: 'eu-west-1' }]);
  });

  it('reports a stack whose only change is a setting as changed, not unchanged', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.terraform.required_providers.aws.version = '6.1.0';
    const report = diffSyntheses(side('base', ['example', before]), side('head', ['example', after]));
    expect(report.stacks).toEqual([
      expect.objectContaining({
        name: 'example',
        action: 'change',
        resources: [],
        settings: [{ path: 'terraform.required_providers.aws.version', before: '6.0.0', after: '6.1.0' }],
      }),
    ]);
    expect(hasDifferences(report)).toBe(true);
  });

  it('shows an existing rule changed in place as the rule removed and the new one added, and warns when it opens to the internet', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.resource.aws_vpc_security_group_ingress_rule['clients-0_tcp-5000'].cidr_ipv4 = '0.0.0.0/0';
    const stack = diffStack('example', before, after);
    expect(stack.action).toBe('change');
    expect(stack.resources.map((r) => [r.action, r.address, r.changes, r.rules.map((c) => [c.action, c.text])])).toEqual([
      [
        'change',
        'aws_vpc_security_group_ingress_rule.clients-0_tcp-5000',
        [],
        [
          ['remove', 'tcp 5000 from 203.0.113.0/24'],
          ['add', 'tcp 5000 from 0.0.0.0/0'],
        ],
      ],
    ]);
    expect(stack.warnings).toEqual([
      { kind: 'open-world', stack: 'example', subject: '0.0.0.0/0', message: 'opens to the whole internet 0.0.0.0/0: tcp 5000 on example-router' },
    ]);
  });

  it('shows removed rules, and no warning for closing a port', () => {
    const less = { ...EXAMPLE, nodes: EXAMPLE.nodes.slice(0, 2) };
    const stack = diffStack('example', fakeStack(EXAMPLE), fakeStack(less));
    expect(stack.action).toBe('change');
    expect(stack.resources.map((r) => [r.action, r.address, r.rules.map((c) => [c.action, c.text])])).toEqual([
      ['remove', 'aws_vpc_security_group_ingress_rule.compute-compute-3_gre', [['remove', 'gre from 198.51.100.13/32']]],
      ['remove', 'aws_vpc_security_group_ingress_rule.compute-compute-3_tcp-35357', [['remove', 'tcp 35357 from 198.51.100.13/32']]],
      ['remove', 'aws_vpc_security_group_ingress_rule.compute-compute-3_tcp-5672', [['remove', 'tcp 5672 from 198.51.100.13/32']]],
    ]);
    expect(stack.warnings).toEqual([]);
  });

  it('reports added and removed stacks, warning about the instances a removal destroys', () => {
    const report = diffSyntheses(
      side('base', ['gone', fakeStack({ ...EXAMPLE, name: 'gone' })]),
      side('head', ['example', fakeStack(EXAMPLE)]),
    );
    expect(report.stacks.map((s) => [s.name, s.action])).toEqual([
      ['example', 'add'],
      ['gone', 'remove'],
    ]);
    expect(report.stacks[1]?.warnings.filter((w) => w.kind === 'destroy').map((w) => w.subject)).toEqual([
      'aws_instance.glance',
      'aws_instance.keystone',
    ]);
    expect(report.stacks[0]?.settings).toEqual([]);
  });
});
