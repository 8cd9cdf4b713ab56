// Security-group rules read from synthesized Terraform JSON, in each of the AWS provider's three
// spellings, as the review and the stack policy read them: `tcp 35357 from 198.51.100.11/32`.
import { describe, expect, it } from 'vitest';
import {
  describeRule,
  groupLabel,
  isNetwork,
  isRuleAttribute,
  isWorld,
  protocolNumber,
  ruleKey,
  rulesOf,
  type SecurityRule,
} from '../../src/terraform/security-rules.ts';
import type { TerraformDocument } from '../../src/terraform/terraform-json.ts';

/** A stack with a router group (named), a data-source group found by name, and one found by a filter. */
const doc = (): TerraformDocument => ({
  resource: {
    aws_security_group: { router: { name: 'lab-router' }, computed: { name: '${var.prefix}-x' } },
  },
  data: {
    aws_security_group: {
      gre: { filter: [{ name: 'vpc-id', values: ['vpc-1'] }, { name: 'group-name', values: ['juju-amazon-6'] }] },
      vague: { filter: [{ name: 'group-name', values: ['a', 'b'] }] },
    },
  },
});

describe('rulesOf', () => {
  it('reads inline ingress and egress blocks of aws_security_group, one rule per source', () => {
    const body = {
      name: 'lab-router',
      ingress: [
        {
          protocol: 'tcp',
          from_port: 5000,
          to_port: 5000,
          cidr_blocks: ['203.0.113.0/24', '198.51.100.0/24'],
          ipv6_cidr_blocks: ['2001:db8::/32'],
          prefix_list_ids: ['pl-1'],
          security_groups: ['${aws_security_group.router.id}', 'sg-123'],
          self: true,
          description: 'keystone',
        },
        'not a block',
      ],
      egress: { protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'], description: '' },
    };
    const rules = rulesOf('aws_security_group', 'router', body, doc());
    const tcp = { direction: 'ingress', protocol: 'tcp', fromPort: 5000, toPort: 5000, group: 'lab-router', description: 'keystone' };
    expect(rules).toEqual([
      { ...tcp, peer: '203.0.113.0/24' },
      { ...tcp, peer: '198.51.100.0/24' },
      { ...tcp, peer: '2001:db8::/32' },
      { ...tcp, peer: 'pl-1' },
      { ...tcp, peer: 'lab-router' },
      { ...tcp, peer: 'sg-123' },
      { ...tcp, peer: 'self' },
      // "all": no ports (AWS stores 0), and an empty description is none.
      { direction: 'egress', protocol: 'all', peer: '0.0.0.0/0', group: 'lab-router' },
    ]);
    // A group without a plain name goes by its address.
    expect(rulesOf('aws_security_group', 'computed', { name: '${var.prefix}-x', ingress: [{ protocol: 'udp', from_port: 53, to_port: 53, cidr_blocks: '10.0.0.0/8' }] }, doc())).toEqual([
      { direction: 'ingress', protocol: 'udp', fromPort: 53, toPort: 53, peer: '10.0.0.0/8', group: 'aws_security_group.computed' },
    ]);
    expect(rulesOf('aws_security_group', 'bare', { ingress: null }, doc())).toEqual([]);
  });

  it('reads aws_security_group_rule: direction from type, the group and a source group by name', () => {
    const ingress = rulesOf(
      'aws_security_group_rule',
      'gre',
      { type: 'ingress', protocol: '47', from_port: 0, to_port: 0, security_group_id: '${data.aws_security_group.gre.id}', source_security_group_id: '${aws_security_group.router.id}' },
      doc(),
    );
    expect(ingress).toEqual([{ direction: 'ingress', protocol: 'gre', peer: 'lab-router', group: 'juju-amazon-6' }]);
    const egress = rulesOf('aws_security_group_rule', 'out', { type: 'egress', protocol: 'ICMP', from_port: 8, to_port: -1, cidr_blocks: ['192.0.2.0/24'], security_group_id: 'sg-9' }, doc());
    expect(egress).toEqual([{ direction: 'egress', protocol: 'icmp', fromPort: 8, toPort: -1, peer: '192.0.2.0/24', group: 'sg-9' }]);
    // No protocol at all is "all"; a port that is not a number is none.
    expect(rulesOf('aws_security_group_rule', 'x', { type: 'ingress', from_port: '22', self: true }, doc())).toEqual([
      { direction: 'ingress', protocol: 'all', peer: 'self', group: '(unknown group)' },
    ]);
    expect(rulesOf('aws_security_group_rule', 'v6', { type: 'ingress', protocol: '58', from_port: 128, to_port: 128, ipv6_cidr_blocks: ['::/0'], security_group_id: 'sg-1' }, doc())).toEqual([
      { direction: 'ingress', protocol: 'icmpv6', fromPort: 128, toPort: 128, peer: '::/0', group: 'sg-1' },
    ]);
  });

  it('reads aws_vpc_security_group_{ingress,egress}_rule, each peer attribute', () => {
    const base = { security_group_id: '${aws_security_group.router.id}', ip_protocol: 'udp', from_port: 4789, to_port: 4790, description: 'vxlan' };
    expect(rulesOf('aws_vpc_security_group_ingress_rule', 'a', { ...base, cidr_ipv4: '198.51.100.11/32' }, doc())).toEqual([
      { direction: 'ingress', protocol: 'udp', fromPort: 4789, toPort: 4790, peer: '198.51.100.11/32', group: 'lab-router', description: 'vxlan' },
    ]);
    expect(rulesOf('aws_vpc_security_group_egress_rule', 'b', { ...base, cidr_ipv6: '2001:db8::/32' }, doc())[0]).toMatchObject({ direction: 'egress', peer: '2001:db8::/32' });
    expect(rulesOf('aws_vpc_security_group_ingress_rule', 'c', { ...base, prefix_list_id: 'pl-2' }, doc())[0]).toMatchObject({ direction: 'ingress', peer: 'pl-2' });
    expect(rulesOf('aws_vpc_security_group_ingress_rule', 'd', { ...base, referenced_security_group_id: '${data.aws_security_group.gre.id}' }, doc())[0]).toMatchObject({
      peer: 'juju-amazon-6',
    });
    expect(rulesOf('aws_vpc_security_group_ingress_rule', 'e', { ...base, referenced_security_group_id: 'sg-7' }, doc())[0]).toMatchObject({ peer: 'sg-7' });
  });

  it('finds no rules in other resources', () => {
    expect(rulesOf('aws_instance', 'x', { ingress: [{ protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] }, doc())).toEqual([]);
    expect(rulesOf('aws_network_acl_rule', 'x', { protocol: 'tcp', cidr_ipv4: '0.0.0.0/0', cidr_block: '0.0.0.0/0' }, doc())).toEqual([]);
  });

  it('keeps only what has the right type: string sources, number ports, a text description', () => {
    const body = { type: 'ingress', protocol: 'tcp', from_port: '22', to_port: '22', cidr_blocks: ['10.0.0.0/8', 7, null], description: 5, security_group_id: 'sg-1' };
    expect(rulesOf('aws_security_group_rule', 'x', body, doc())).toEqual([{ direction: 'ingress', protocol: 'tcp', peer: '10.0.0.0/8', group: 'sg-1' }]);
    expect(rulesOf('aws_security_group_rule', 'y', { ...body, from_port: 22 }, doc())).toEqual([{ direction: 'ingress', protocol: 'tcp', fromPort: 22, peer: '10.0.0.0/8', group: 'sg-1' }]);
  });
});

describe('rule text and identity', () => {
  const r = (over: Partial<SecurityRule>): SecurityRule => ({ direction: 'ingress', protocol: 'tcp', peer: '198.51.100.11/32', group: 'g', ...over });

  it('describes ports, ranges and direction', () => {
    expect(describeRule(r({ fromPort: 35357, toPort: 35357 }))).toBe('tcp 35357 from 198.51.100.11/32');
    expect(describeRule(r({ fromPort: 22 }))).toBe('tcp 22 from 198.51.100.11/32');
    expect(describeRule(r({ fromPort: 0, toPort: 65535, direction: 'egress' }))).toBe('tcp 0-65535 to 198.51.100.11/32');
    expect(describeRule(r({ protocol: 'gre' }))).toBe('gre from 198.51.100.11/32');
  });

  it('keys a rule by group, direction and text, not description', () => {
    expect(ruleKey(r({ fromPort: 22, description: 'a' }))).toBe(ruleKey(r({ fromPort: 22, description: 'b' })));
    expect(ruleKey(r({ fromPort: 22 }))).toBe('g|ingress|tcp 22 from 198.51.100.11/32');
  });

  it('knows the world, networks, and protocol numbers', () => {
    expect(['0.0.0.0/0', '::/0', '0.0.0.0/1', '10.0.0.0/0'].map(isWorld)).toEqual([true, true, false, false]);
    expect(['10.0.0.0/8', '2001:db8::/32', 'sg-1', 'self', 'pl-1', 'x10.0.0.0/8', '10.0.0.0/8x', '10.0.0.0'].map(isNetwork)).toEqual([
      true, true, false, false, false, false, false, false,
    ]);
    expect(['gre', 'tcp', 'all', 'icmpv6', 'sctp'].map(protocolNumber)).toEqual(['47', '6', '-1', '58', 'sctp']);
  });
});

describe('groupLabel and isRuleAttribute', () => {
  it('names a group by its name, its one group-name filter, else its address or the reference as given', () => {
    expect(groupLabel('${aws_security_group.router.id}', doc())).toBe('lab-router');
    expect(groupLabel('${data.aws_security_group.gre.id}', doc())).toBe('juju-amazon-6');
    expect(groupLabel('${data.aws_security_group.vague.id}', doc())).toBe('data.aws_security_group.vague');
    expect(groupLabel('${aws_security_group.missing.id}', doc())).toBe('aws_security_group.missing');
    expect(groupLabel('${aws_security_group.router.id}', {})).toBe('aws_security_group.router');
    expect(groupLabel('x${aws_security_group.router.id}', doc())).toBe('x${aws_security_group.router.id}');
    expect(groupLabel('${aws_security_group.router.id}x', doc())).toBe('${aws_security_group.router.id}x');
    expect(groupLabel(undefined, doc())).toBe('(unknown group)');
    expect(groupLabel(7, doc())).toBe('(unknown group)');
  });

  it('leaves out of the attribute diff exactly what the rules already say', () => {
    expect(isRuleAttribute('aws_security_group', 'ingress[0].cidr_blocks')).toBe(true);
    expect(isRuleAttribute('aws_security_group', 'egress')).toBe(true);
    expect(isRuleAttribute('aws_security_group', 'description')).toBe(false);
    expect(isRuleAttribute('aws_security_group_rule', 'cidr_blocks')).toBe(true);
    expect(isRuleAttribute('aws_vpc_security_group_ingress_rule', 'cidr_ipv4')).toBe(true);
    expect(isRuleAttribute('aws_vpc_security_group_egress_rule', 'tags.Name')).toBe(false);
    expect(isRuleAttribute('aws_instance', 'description')).toBe(false);
  });
});
