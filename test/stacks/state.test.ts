// Where the state goes, and the construct checks that name the field at fault.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ManagementNetwork } from '../../stacks/management-network.ts';
import { ServiceVmInstance } from '../../stacks/service-vm.ts';
import { ClientFirewall } from '../../stacks/client-firewall.ts';
import { ClusterSecurityGroup } from '../../stacks/security-group.ts';
import { ClusterKeyPair } from '../../stacks/key-pair.ts';
import { ManagementFirewall } from '../../stacks/management-firewall.ts';
import type { PlannedRule } from '../../src/inventory/security-group-rules.ts';
import { modelOf, ref, resources, synthModel } from './helpers.ts';

const example = readFileSync('inventory/example.yaml', 'utf8');

describe('state backend', () => {
  it('is S3, encrypted and locked with a lock file, when the inventory names a bucket', () => {
    const s = synthModel(modelOf(example.replace('ubuntuSeries: trusty\n', 'ubuntuSeries: trusty\nstate:\n  s3: { bucket: my-tf-state, key: opencloud/example.tfstate, region: eu-west-1 }\n')));
    expect(s.json.terraform.backend).toEqual({
      s3: { bucket: 'my-tf-state', key: 'opencloud/example.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });
});

describe('key pair', () => {
  it('is created from publicKeyFile, read at synthesis, and every instance waits for it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencloud-key-'));
    const file = join(dir, 'id.pub');
    writeFileSync(file, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOpenCloudTestKeyOnlyForUnitTestsXXXXXXXXXXXX operator@example\n');
    const s = synthModel(modelOf(example.replace('  clientCidrs:', `  keyName: ops\n  publicKeyFile: ${file}\n  clientCidrs:`)));
    expect(s).toHaveResourceWithProperties('aws_key_pair', { key_name: 'ops', public_key: readFileSync(file, 'utf8').trim() });
    const keyRef = ref(s, 'aws_key_pair', 'key_key-pair', 'key_name');
    for (const i of resources(s, 'aws_instance')) expect(i.key_name).toBe(keyRef);
  });
});

describe('construct properties', () => {
  const stack = () => new TerraformStack(Testing.app(), 'props');
  const network = { cluster: 'x', vpcCidr: '10.0.0.0/16', publicSubnetCidr: '10.0.1.0/24', managementCidr: '10.0.100.0/24' };

  it('are checked at construction, the error naming the construct and the field', () => {
    expect(() => new ManagementNetwork(stack(), 'n', { ...network, publicSubnetCidr: '10.1.0.0/24' })).toThrow('ManagementNetwork: publicSubnetCidr 10.1.0.0/24 is not inside vpcCidr 10.0.0.0/16');
    expect(() => new ManagementNetwork(stack(), 'n', { ...network, managementCidr: '10.0.100.0' })).toThrow(/^ManagementNetwork: managementCidr must be an IPv4 CIDR/);
    expect(() => new ManagementNetwork(stack(), 'n', { ...network, managementCidr: '10.0.1.0/25' })).toThrow('ManagementNetwork: managementCidr 10.0.1.0/25 overlaps publicSubnetCidr');
    const vm = { name: 'keystone' as const, instanceType: 't3.medium', diskGiB: 40, ip: '10.0.100.40' };
    const vmProps = { cluster: 'x', vm, subnetId: 'subnet-1', securityGroupIds: ['sg-1'], imageId: 'ami-1', keyName: 'k' };
    expect(() => new ServiceVmInstance(stack(), 'vm', { ...vmProps, vm: { ...vm, ip: '10.0.100.400' } })).toThrow(/^ServiceVmInstance: vm\.ip must be an IPv4 address/);
    expect(() => new ServiceVmInstance(stack(), 'vm', { ...vmProps, vm: { ...vm, diskGiB: 0 } })).toThrow(/^ServiceVmInstance: vm\.diskGiB must be a number above 0/);
    expect(() => new ServiceVmInstance(stack(), 'vm', { ...vmProps, securityGroupIds: [] })).toThrow('ServiceVmInstance: securityGroupIds must not be empty');
    expect(() => new ClusterKeyPair(stack(), 'k', { cluster: 'x', keyName: 'k', publicKeyFile: '/nonexistent/key.pub' })).toThrow(/^ClusterKeyPair: publicKeyFile cannot be read/);
  });

  it('keep the world out of SSH even when any client may reach the forwards', () => {
    const s = stack();
    const routerGroup = new ClusterSecurityGroup(s, 'g', { cluster: 'x', role: 'router', description: 'd', vpcId: 'vpc-1' });
    expect(() => new ClientFirewall(s, 'c', { routerGroup, rules: [], clientCidrs: ['0.0.0.0/0'] })).toThrow(/^ClientFirewall: clientCidrs\[0\] 0\.0\.0\.0\/0 opens the forwarded ports/);
    expect(() => new ClientFirewall(s, 'd', { routerGroup, rules: [], clientCidrs: ['0.0.0.0/0'], allowAnyClient: true })).toThrow(
      /^ClientFirewall: clientCidrs must name at least one network other than 0\.0\.0\.0\/0/,
    );
  });

  it('create only rules of the plan that fit them: from the client networks, and the management network admitted', () => {
    const s = stack();
    const routerGroup = new ClusterSecurityGroup(s, 'g', { cluster: 'x', role: 'router', description: 'd', vpcId: 'vpc-1' });
    const stray: PlannedRule = { id: 'ssh', protocol: 'tcp', port: 22, cidr: '198.51.100.0/24', description: 'SSH', source: 'client', path: [] };
    expect(() => new ClientFirewall(s, 'c', { routerGroup, rules: [stray], clientCidrs: ['203.0.113.0/24'] })).toThrow(
      'ClientFirewall: rules ssh is from 198.51.100.0/24, which is not among clientCidrs',
    );
    expect(() => new ManagementFirewall(s, 'm', { cluster: 'x', vpcId: 'vpc-1', managementCidr: '10.0.100.0/24', rules: [] })).toThrow(
      'ManagementFirewall: rules must admit all traffic from the management network 10.0.100.0/24',
    );
  });
});
