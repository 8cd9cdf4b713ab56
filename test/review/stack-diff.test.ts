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
    expect(stack.settings).toEqual([]); // a data source is shown as a resource, not again as a setting
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
  it("passes on both sides' notes (a checkout that synthesizes no stacks says so)", () => {
    const report = diffSyntheses({ ...side('base'), notes: ['base synthesized no stacks.'] }, { ...side('head', ['example', fakeStack(EXAMPLE)]), notes: ['head note'] });
    expect(report.notes).toEqual(['base synthesized no stacks.', 'head note']);
  });

  it('lists resources in address order, whatever the order of the document', () => {
    const after = structuredClone(fakeStack(EXAMPLE)) as any;
    after.resource = { aws_vpc: { zeta: { cidr_block: '10.0.0.0/16' } }, aws_eip: { router: { domain: 'vpc' } }, ...after.resource };
    after.data = { aws_region: { here: { name: 'us-east-1' } }, ...after.data };
    const stack = diffStack('example', fakeStack(EXAMPLE), after);
    expect(stack.resources.map((r) => r.address)).toEqual(['aws_eip.router', 'aws_vpc.zeta', 'data.aws_region.here']);
  });

  it('shows a resource added or removed even when it has no attributes', () => {
    const bare = structuredClone(fakeStack(EXAMPLE)) as any;
    bare.resource.null_resource = { marker: {} };
    expect(diffStack('example', fakeStack(EXAMPLE), bare).resources.map((r) => [r.action, r.address])).toEqual([['add', 'null_resource.marker']]);
    expect(diffStack('example', bare, fakeStack(EXAMPLE)).resources.map((r) => [r.action, r.address])).toEqual([['remove', 'null_resource.marker']]);
  });

  it('skips what is not a block in a garbled document instead of failing the review', () => {
    const garbled = structuredClone(fakeStack(EXAMPLE)) as any;
    garbled.resource.aws_bogus = null;
    garbled.resource.aws_text = { name: 'not a block' };
    const stack = diffStack('example', fakeStack(EXAMPLE), garbled);
    expect(stack.resources).toEqual([]);
  });
});

describe('stack warnings', () => {
  const ingress = (after: any, id: string, cidr: string, port: number) => {
    after.resource.aws_vpc_security_group_ingress_rule[id] = { ...after.resource.aws_vpc_security_group_ingress_rule['clients-0_tcp-5000'], cidr_ipv4: cidr, from_port: port, to_port: port };
  };

  it('names the replacing and root volume changes, an indexed root volume included, and replaces for a root volume attribute AWS cannot change in place', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.resource.aws_instance.glance.subnet_id = '${aws_subnet.other.id}';
    after.resource.aws_instance.keystone.root_block_device = [{ volume_size: 80, volume_type: 'gp3' }];
    before.resource = structuredClone(before.resource) as any;
    (before.resource as any).aws_instance.keystone.root_block_device = [{ volume_size: 40, volume_type: 'gp3' }];
    const stack = diffStack('example', before, after);
    expect(stack.warnings.map((w) => w.message)).toEqual([
      'aws_instance.glance (example-glance) is replaced (destroyed and created anew): subnet_id "${aws_subnet.management.id}" -> "${aws_subnet.other.id}"',
      'aws_instance.keystone (example-keystone) has its root volume modified: root_block_device[0].volume_size 40 -> 80',
    ]);
    const encrypted = structuredClone(fakeStack(EXAMPLE)) as any;
    encrypted.resource.aws_instance.glance.root_block_device.encrypted = true;
    expect(diffStack('example', fakeStack(EXAMPLE), encrypted).warnings.map((w) => [w.kind, w.message])).toEqual([
      ['replace', 'aws_instance.glance (example-glance) is replaced (destroyed and created anew): root_block_device.encrypted (none) -> true'],
    ]);
  });

  it('gives no instance warning for an instance added, or for a data source of the instance type', () => {
    const after = structuredClone(fakeStack(EXAMPLE)) as any;
    after.resource.aws_instance.nova = { ...after.resource.aws_instance.glance, private_ip: '192.168.100.50', tags: { Name: 'example-nova' } };
    after.data.aws_instance = { lookup: { instance_id: 'i-1' } };
    const stack = diffStack('example', fakeStack(EXAMPLE), after);
    expect(stack.resources.map((r) => [r.action, r.address])).toEqual([['add', 'aws_instance.nova'], ['add', 'data.aws_instance.lookup']]);
    expect(stack.warnings).toEqual([]);
    const gone = structuredClone(fakeStack(EXAMPLE)) as any;
    gone.data.aws_instance = { lookup: { instance_id: 'i-1' } };
    expect(diffStack('example', gone, fakeStack(EXAMPLE)).warnings).toEqual([]);
  });

  it('warns about an AMI lookup change once per instance that uses it, with its name, and not for a new lookup', () => {
    const before = fakeStack(EXAMPLE);
    const after = structuredClone(before) as any;
    after.data.aws_ami.ubuntu.most_recent = false;
    after.resource.aws_instance.glance.private_ip = '192.168.100.31'; // replaced anyway: one warning, not two
    after.resource.aws_instance.keystone.ami = 'ami-0123456789abcdef0'; // not from the lookup
    after.data.aws_ami.other = { most_recent: true };
    const stack = diffStack('example', before, after);
    expect(stack.warnings.map((w) => [w.kind, w.subject, w.message])).toEqual([
      ['replace', 'aws_instance.glance', 'aws_instance.glance (example-glance) is replaced (destroyed and created anew): private_ip "192.168.100.30" -> "192.168.100.31"'],
      ['replace', 'aws_instance.keystone', 'aws_instance.keystone (example-keystone) is replaced (destroyed and created anew): ami "${data.aws_ami.ubuntu.id}" -> "ami-0123456789abcdef0"'],
    ]);
    const lookupOnly = structuredClone(before) as any;
    lookupOnly.data.aws_ami.ubuntu.most_recent = false;
    delete lookupOnly.resource.aws_instance.keystone.tags;
    expect(diffStack('example', before, lookupOnly).warnings.map((w) => w.message)).toEqual([
      'aws_instance.glance (example-glance) may be replaced: its AMI lookup data.aws_ami.ubuntu changes',
      'aws_instance.keystone may be replaced: its AMI lookup data.aws_ami.ubuntu changes',
    ]);
    // A warning of another kind on the instance does not hide that its image may change.
    const resized = structuredClone(lookupOnly) as any;
    resized.resource.aws_instance.glance.instance_type = 'm5.large';
    expect(diffStack('example', before, resized).warnings.filter((w) => w.subject === 'aws_instance.glance').map((w) => w.kind)).toEqual(['restart', 'replace']);
    // An instance with an AMI of its own is not concerned by the lookup.
    const own = structuredClone(before) as any;
    own.resource.aws_instance.keystone.ami = 'ami-0123456789abcdef0';
    const ownAfter = structuredClone(own);
    ownAfter.data.aws_ami.ubuntu.most_recent = false;
    expect(diffStack('example', own, ownAfter).warnings.map((w) => w.subject)).toEqual(['aws_instance.glance']);
    // Nor by another data source or a resource that happens to share the lookup's name.
    const other = structuredClone(before) as any;
    other.data.aws_ssm_parameter = { ubuntu: { name: '/ami/ubuntu' } };
    other.resource.aws_ami = { ubuntu: { name: 'built' } };
    const otherAfter = structuredClone(other);
    otherAfter.data.aws_ssm_parameter.ubuntu.name = '/ami/ubuntu-next';
    otherAfter.resource.aws_ami.ubuntu.name = 'rebuilt';
    expect(diffStack('example', other, otherAfter).warnings).toEqual([]);
    // A destroyed instance without a Name tag is named by its address alone.
    const untagged = structuredClone(before) as any;
    delete untagged.resource.aws_instance.keystone.tags;
    const destroyed = structuredClone(untagged);
    delete destroyed.resource.aws_instance.keystone;
    expect(diffStack('example', untagged, destroyed).warnings.map((w) => w.message)).toEqual(['aws_instance.keystone is destroyed']);
    const newLookup = structuredClone(before) as any;
    newLookup.data.aws_ami.other = { most_recent: true };
    expect(diffStack('example', before, newLookup).warnings).toEqual([]);
  });

  it('judges "a new network" by ingress rules only, lists ports in order, and groups by security group', () => {
    const before = structuredClone(fakeStack(EXAMPLE)) as any;
    // An egress rule to a network does not admit anything from it.
    before.resource.aws_vpc_security_group_egress_rule = { out: { security_group_id: '${aws_security_group.router_group_1A2B3C4D.id}', ip_protocol: '-1', cidr_ipv4: '192.0.2.0/24' } };
    const after = structuredClone(before) as any;
    ingress(after, 'new-8080', '192.0.2.0/24', 8080);
    ingress(after, 'new-443', '192.0.2.0/24', 443);
    after.resource.aws_security_group.other = { name: 'example-other', description: 'other', vpc_id: '${aws_vpc.vpc.id}' };
    after.resource.aws_vpc_security_group_ingress_rule['other-22'] = {
      security_group_id: '${aws_security_group.other.id}', ip_protocol: 'tcp', cidr_ipv4: '192.0.2.0/24', from_port: 22, to_port: 22,
    };
    // An egress rule added to a new network opens nothing.
    after.resource.aws_vpc_security_group_egress_rule.out2 = { security_group_id: '${aws_security_group.router_group_1A2B3C4D.id}', ip_protocol: '-1', cidr_ipv4: '198.18.0.0/15' };
    const stack = diffStack('example', before, after);
    expect(stack.warnings.filter((w) => w.kind.startsWith('open')).map((w) => w.message)).toEqual([
      'opens to a new network 192.0.2.0/24: tcp 443, tcp 8080 on example-router; tcp 22 on example-other',
    ]);
  });

  it('counts only ingress toward the world by another name, and warns about no egress rule', () => {
    const after = structuredClone(fakeStack(EXAMPLE)) as any;
    // Two narrow networks that together are a /4's worth: "any client", were they ingress.
    after.resource.aws_vpc_security_group_egress_rule = {
      a: { security_group_id: '${aws_security_group.router_group_1A2B3C4D.id}', ip_protocol: 'tcp', from_port: 5000, to_port: 5000, cidr_ipv4: '16.0.0.0/5' },
      b: { security_group_id: '${aws_security_group.router_group_1A2B3C4D.id}', ip_protocol: 'tcp', from_port: 5000, to_port: 5000, cidr_ipv4: '24.0.0.0/5' },
    };
    expect(diffStack('example', fakeStack(EXAMPLE), after).warnings).toEqual([]);
  });
});
