// Hand-written Terraform JSON in cdktf's shape (`resource.<type>.<name>`, `//` metadata, the
// default local backend at an absolute path), for testing the diff before real stacks exist.
import type { JsonObject, TerraformDocument } from '../../src/terraform/terraform-json.ts';

export interface FakeCluster {
  readonly name: string;
  readonly nodes: readonly { readonly name: string; readonly publicIp: string }[];
  readonly glanceType?: string;
  readonly glanceDisk?: number;
  readonly clientCidrs?: readonly string[];
  /** Leaves out the keystone instance. */
  readonly withoutKeystone?: boolean;
}

const meta = (stack: string, path: string) => ({ metadata: { path: `${stack}/${path}`, uniqueId: path.replace(/\//g, '_') } });

export function fakeStack(c: FakeCluster, cwd = '/home/ci/checkout'): TerraformDocument {
  const rules: JsonObject = {};
  const rule = (id: string, protocol: string, cidr: string, port?: number, description = id) => {
    rules[id] = {
      '//': meta(c.name, id),
      security_group_id: '${aws_security_group.router_group_1A2B3C4D.id}',
      ip_protocol: protocol,
      ...(port !== undefined ? { from_port: port, to_port: port } : {}),
      cidr_ipv4: cidr,
      description,
      tags: { Name: `${c.name}-${id}`, 'opencloud:cluster': c.name },
    };
  };
  for (const n of c.nodes) {
    rule(`compute-${n.name}_gre`, '47', `${n.publicIp}/32`, undefined, `GRE from compute node ${n.name}`);
    rule(`compute-${n.name}_tcp-35357`, 'tcp', `${n.publicIp}/32`, 35357, `keystone admin from ${n.name}`);
    rule(`compute-${n.name}_tcp-5672`, 'tcp', `${n.publicIp}/32`, 5672, `AMQP from ${n.name}`);
  }
  for (const [i, cidr] of (c.clientCidrs ?? ['203.0.113.0/24']).entries()) rule(`clients-${i}_tcp-5000`, 'tcp', cidr, 5000);
  const instance = (name: string, type: string, ip: string, disk: number) => ({
    '//': meta(c.name, `${name}/instance`),
    ami: '${data.aws_ami.ubuntu.id}',
    instance_type: type,
    subnet_id: '${aws_subnet.management.id}',
    private_ip: ip,
    key_name: `opencloud-${c.name}`,
    root_block_device: { volume_size: disk, volume_type: 'gp3' },
    tags: { Name: `${c.name}-${name}` },
  });
  const instances: JsonObject = {
    glance: instance('glance', c.glanceType ?? 't3.medium', '192.168.100.30', c.glanceDisk ?? 160),
    ...(c.withoutKeystone ? {} : { keystone: instance('keystone', 't3.medium', '192.168.100.40', 40) }),
  };
  return {
    '//': { metadata: { backend: 'local', stackName: c.name, version: '0.21.0' }, outputs: {} },
    data: {
      aws_ami: { ubuntu: { '//': meta(c.name, 'ubuntu'), most_recent: true, owners: ['099720109477'], filter: [{ name: 'name', values: ['ubuntu/images/*trusty-14.04-amd64-server-*'] }] } },
    },
    provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { 'opencloud:cluster': c.name } }] }] },
    resource: {
      aws_instance: instances,
      aws_security_group: {
        router_group_1A2B3C4D: { '//': meta(c.name, 'router/group'), name: `${c.name}-router`, description: 'router', vpc_id: '${aws_vpc.vpc.id}' },
      },
      aws_vpc_security_group_ingress_rule: rules,
    },
    terraform: {
      backend: { local: { path: `${cwd}/terraform.${c.name}.tfstate` } },
      required_providers: { aws: { source: 'aws', version: '6.0.0' } },
    },
  };
}

export const EXAMPLE: FakeCluster = {
  name: 'example',
  nodes: [
    { name: 'compute-1', publicIp: '198.51.100.11' },
    { name: 'compute-2', publicIp: '198.51.100.12' },
    { name: 'compute-3', publicIp: '198.51.100.13' },
  ],
};
