// Compute nodes built as EC2 instances on a managed controller.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLUSTER_TAG } from '../../stacks/tags.ts';
import { dataSources, modelOf, ref, resources, synthModel } from './helpers.ts';

const text = readFileSync('inventory/example.yaml', 'utf8').replace(
  '    publicIp: 198.51.100.12\n',
  '    publicIp: 198.51.100.12\n    ec2: { instanceType: m5.4xlarge }\n',
);
const s = synthModel(modelOf(text, 'example-ec2.yaml'));

describe('EC2 compute node', () => {
  const node = ref(s, 'aws_instance', 'compute-compute-2_instance');

  it('checks the instance type against the minimums before anything is created', () => {
    // The node's own lookup carries the checks (the image lookup reads each type for its ENA need).
    const checked = Object.entries(s.json.data?.aws_ec2_instance_type ?? {}).filter(([id]) => id.startsWith('compute-')).map(([, t]) => t);
    const [type] = checked;
    expect(checked).toHaveLength(1);
    expect(type).toMatchObject({ instance_type: 'm5.4xlarge' });
    const conditions = (type!.lifecycle as { postcondition: { condition: string; error_message: string }[] }).postcondition;
    expect(conditions.map((p) => p.condition)).toEqual([
      '${self.default_vcpus >= 12}',
      '${self.memory_size >= 49152}',
      '${self.maximum_network_interfaces >= 2}',
      '${contains(self.supported_architectures, "x86_64")}',
    ]);
    for (const p of conditions) expect(p.error_message).toMatch(/^compute-2: m5\.4xlarge .*\(minimums\.\w+\)\.$/);
  });

  it('goes in the public subnet with the compute security group', () => {
    expect(s).toHaveResourceWithProperties('aws_instance', {
      instance_type: 'm5.4xlarge',
      subnet_id: ref(s, 'aws_subnet', 'network_public'),
      vpc_security_group_ids: [ref(s, 'aws_security_group', 'compute-firewall_security-group')],
    });
  });

  it('has a data volume of the minimum disk and a second interface', () => {
    expect(s).toHaveResourceWithProperties('aws_ebs_volume', { size: 3072, encrypted: true, availability_zone: ref(s, 'aws_instance', 'compute-compute-2_instance', 'availability_zone') });
    expect(s).toHaveResourceWithProperties('aws_volume_attachment', { instance_id: node, volume_id: ref(s, 'aws_ebs_volume', 'compute-compute-2_data-volume') });
    expect(s).toHaveResourceWithProperties('aws_network_interface_attachment', { instance_id: node, device_index: 1 });
  });

  it('takes the operator Elastic IP, found by its address', () => {
    expect(dataSources(s, 'aws_eip')).toEqual([{ public_ip: '198.51.100.12' }]);
    // On the primary interface: with NIC2 attached too, an association by instance is ambiguous.
    const association = resources(s, 'aws_eip_association');
    expect(association).toHaveLength(1);
    expect(association[0]).toMatchObject({ network_interface_id: ref(s, 'aws_instance', 'compute-compute-2_instance', 'primary_network_interface_id') });
    expect(association[0]).not.toHaveProperty('instance_id');
    // The only Elastic IP the stack owns is the router's; the node's stays the operator's.
    expect(resources(s, 'aws_eip')).toHaveLength(1);
  });

  it('only physical nodes stay out: one instance more than the controller', () => {
    expect(resources(s, 'aws_instance')).toHaveLength(11);
    for (const r of resources(s, 'aws_ebs_volume')) expect(r.tags).toMatchObject({ [CLUSTER_TAG]: 'example' });
  });

  it('still gets its rules on the router like every node', () => {
    expect(s).toHaveResourceWithProperties('aws_vpc_security_group_ingress_rule', { cidr_ipv4: '198.51.100.12/32', ip_protocol: '-1' });
  });
});
