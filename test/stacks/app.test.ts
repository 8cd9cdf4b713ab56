// Two phases: no stack is written unless every stack can be built and passes its checks.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/inventory/load.ts';
import type { ClusterModel, ManagedController } from '../../src/inventory/model.ts';
import { App } from 'cdktf';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { synthesize, validateStacks } from '../../stacks/app.ts';
import { ClusterStack } from '../../stacks/cluster-stack.ts';
import { formatSummary, summarizeStack } from '../../stacks/summary.ts';

const example = loadModel('inventory/example.yaml');
const existing = loadModel('inventory/install-cloud.yaml');

describe('synthesize', () => {
  it('writes nothing when any stack fails, even after a good one', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'opencloud-app-')), 'cdktf.out');
    const broken: ClusterModel = { ...example, name: 'broken', controller: { ...(example.controller as ManagedController), publicKeyFile: '/nonexistent/id.pub' } };
    expect(() => synthesize([existing, broken], { outdir })).toThrow(/^inventory\/example\.yaml: ClusterKeyPair: publicKeyFile cannot be read/);
    expect(existsSync(outdir)).toBe(false);
  });

  it('runs the policy of every stack in its pre-check, before anything is written', () => {
    const app = new App({ outdir: join(mkdtempSync(join(tmpdir(), 'opencloud-app-')), 'cdktf.out'), skipValidation: true });
    const good = new ClusterStack(app, 'install-cloud', { model: existing });
    const bad = new ClusterStack(app, 'example', { model: example });
    new VpcSecurityGroupIngressRule(bad, 'oops', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
    expect(validateStacks([good])).toEqual([]);
    expect(validateStacks([good, bad])).toEqual([
      '[example] example/oops: aws_vpc_security_group_ingress_rule opens TCP 22 to the world (0.0.0.0/0); set controller.allowAnyClient to open the forwarded ports, nothing else may be',
      '[example] example/oops: aws_vpc_security_group_ingress_rule lacks the tag opencloud:cluster=example',
    ]);
  });

  it('writes one cdk.tf.json per stack and summarizes it', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'opencloud-app-')), 'cdktf.out');
    synthesize([example, existing], { outdir });
    expect(existsSync(join(outdir, 'stacks/example/cdk.tf.json'))).toBe(true);
    const lines = formatSummary(summarizeStack(outdir, 'example'));
    expect(lines[0]).toMatch(/^example: 50 resources, 5 data sources, local state -> .*stacks\/example\/cdk\.tf\.json$/);
    expect(lines[1]).toContain('aws_instance 10');
    expect(lines[1]).toContain('aws_vpc_security_group_ingress_rule 23');
    expect(lines[3]).toBe('  outputs: hosts_block, juju_host, router_management_ip, router_public_ip, service_vm_ips');
  });
});
