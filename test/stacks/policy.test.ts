// The policy check fails synthesis on deliberately bad constructs, and lets good ones through.
import { readFileSync } from 'node:fs';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { describe, expect, it } from 'vitest';
import { ClusterPolicy } from '../../stacks/cluster-policy.ts';
import { CLUSTER_TAG } from '../../stacks/tags.ts';
import { ingressLines, modelOf, synthModel } from './helpers.ts';

const tags = { [CLUSTER_TAG]: 'bad' };

/** A stack under the policy, with whatever `build` adds to it. */
function policed(build: (scope: Construct) => void, worldOpenPorts: number[] = []): () => string {
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, 'bad');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  ClusterPolicy.of(stack, { cluster: 'bad', worldOpenPorts });
  build(stack);
  return () => Testing.synth(stack, true);
}

const rule = (scope: Construct, id: string, props: { port?: number; protocol?: string; cidr?: string; tagged?: boolean }) =>
  new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: 'sg-0123456789abcdef0',
    ipProtocol: props.protocol ?? 'tcp',
    ...(props.port !== undefined ? { fromPort: props.port, toPort: props.port } : {}),
    cidrIpv4: props.cidr ?? '0.0.0.0/0',
    ...(props.tagged === false ? {} : { tags }),
  });

describe('ingress open to the world', () => {
  it('fails on SSH open to 0.0.0.0/0', () => {
    expect(policed((s) => rule(s, 'ssh', { port: 22 }))).toThrow(/bad\/ssh: aws_vpc_security_group_ingress_rule opens TCP 22 to the world \(0\.0\.0\.0\/0\)/);
  });
  it('fails on a forwarded port when the inventory does not allow any client', () => {
    expect(policed((s) => rule(s, 'keystone', { port: 5000 }))).toThrow(/opens TCP 5000 to the world.*allowAnyClient/);
  });
  it('fails on a port range reaching past the forwarded ports, and on all traffic or GRE', () => {
    expect(
      policed(
        (s) => {
          new VpcSecurityGroupIngressRule(s, 'range', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 5000, toPort: 5001, cidrIpv4: '0.0.0.0/0', tags });
          rule(s, 'all', { protocol: '-1' });
          rule(s, 'gre', { protocol: '47' });
        },
        [5000],
      ),
    ).toThrow(/range: .*TCP 5000-5001[\s\S]*all: .*all traffic[\s\S]*gre: .*IP protocol 47/);
  });
  it('fails on narrow rules that together open a port to the world, and on a wide network', () => {
    expect(
      policed((s) => {
        rule(s, 'low', { port: 22, cidr: '16.0.0.0/5' });
        rule(s, 'high', { port: 22, cidr: '24.0.0.0/5' });
      }),
    ).toThrow(/bad\/low, bad\/high: together opens TCP 22 to the world \(16\.0\.0\.0\/5 \+ 24\.0\.0\.0\/5: 6\.25% of IPv4\)/);
    expect(policed((s) => rule(s, 'wide', { port: 22, cidr: '0.0.0.0/2' }))).toThrow(/bad\/wide: .*opens TCP 22 to the world \(0\.0\.0\.0\/2\)/);
    expect(policed((s) => rule(s, 'two', { port: 22, cidr: '10.0.0.0/8' }) && rule(s, 'three', { port: 22, cidr: '172.16.0.0/12' }))).not.toThrow();
  });
  // The one-rule-per-node design (README, "Security groups") relies on -1 rules: the policy reads them as every port.
  it('fails on an all-traffic (-1) rule from a wide network, and counts all-traffic networks toward every port', () => {
    expect(policed((s) => rule(s, 'wide-all', { protocol: '-1', cidr: '0.0.0.0/1' }), [5000])).toThrow(/bad\/wide-all: .*opens all traffic to the world \(0\.0\.0\.0\/1\)/);
    expect(
      policed((s) => {
        rule(s, 'all-low', { protocol: '-1', cidr: '16.0.0.0/5' });
        rule(s, 'ssh-high', { port: 22, cidr: '24.0.0.0/5' });
      }),
    ).toThrow(/bad\/ssh-high, bad\/all-low: together opens TCP 22 to the world \(24\.0\.0\.0\/5 \+ 16\.0\.0\.0\/5: 6\.25% of IPv4\)/);
    expect(policed((s) => rule(s, 'node', { protocol: '-1', cidr: '198.51.100.11/32' }) && rule(s, 'ssh', { port: 22, cidr: '203.0.113.0/24' }))).not.toThrow();
  });
  it('fails on inline rules and on overrides that open the world', () => {
    expect(policed((s) => new SecurityGroup(s, 'inline', { tags, ingress: [{ fromPort: 22, toPort: 22, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }] }))).toThrow(
      /inline: aws_security_group opens TCP 22/,
    );
    expect(policed((s) => rule(s, 'sneaky', { port: 443, cidr: '10.0.0.0/8' }).addOverride('cidr_ipv4', '0.0.0.0/0'))).toThrow(/sneaky: .*TCP 443/);
  });
  it('passes forwarded ports when the inventory allows any client, and anything from a narrower network', () => {
    expect(policed((s) => rule(s, 'keystone', { port: 5000 }), [5000])).not.toThrow();
    expect(policed((s) => rule(s, 'ssh', { port: 22, cidr: '203.0.113.0/24' }))).not.toThrow();
  });
});

describe('cluster tag', () => {
  it('fails on a taggable resource without it, or with another cluster in it', () => {
    expect(policed((s) => new Vpc(s, 'untagged', { cidrBlock: '10.0.0.0/16' }))).toThrow(/bad\/untagged: aws_vpc lacks the tag opencloud:cluster=bad/);
    expect(policed((s) => new Vpc(s, 'other', { cidrBlock: '10.0.0.0/16', tags: { [CLUSTER_TAG]: 'other' } }))).toThrow(/other: aws_vpc lacks the tag/);
    expect(policed((s) => rule(s, 'rule', { port: 22, cidr: '10.0.0.0/8', tagged: false }))).toThrow(/rule: aws_vpc_security_group_ingress_rule lacks the tag/);
  });
  it('passes a tagged resource', () => {
    expect(policed((s) => new Vpc(s, 'tagged', { cidrBlock: '10.0.0.0/16', tags }))).not.toThrow();
  });
});

describe('an inventory that allows any client', () => {
  const text = readFileSync('inventory/example.yaml', 'utf8').replace(
    'clientCidrs: [203.0.113.0/24]',
    'clientCidrs: [0.0.0.0/0, 203.0.113.0/24]\n  allowAnyClient: true',
  );
  const s = synthModel(modelOf(text));
  it('opens the forwarded ports to the world, but SSH only to its own network', () => {
    const world = ingressLines(s).filter((l) => l.endsWith('from 0.0.0.0/0'));
    // The eight public ports on the router, and the seven VM ports they are delivered to.
    expect(world).toHaveLength(8 + 7);
    expect(world).toContain('tcp 8080 from 0.0.0.0/0');
    expect(world).toContain('tcp 80 from 0.0.0.0/0');
    expect(world).not.toContain('tcp 22 from 0.0.0.0/0');
    expect(ingressLines(s)).toContain('tcp 22 from 203.0.113.0/24');
  });
});
