// The managed controller of inventory/example.yaml, synthesized once for the whole file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ManagedController } from '../../src/inventory/model.ts';
import { CANONICAL_AMI_OWNER, PORT_FORWARDS } from '../../src/inventory/reference.ts';
import { OUTPUT_NAMES, parseStackOutputs } from '../../src/inventory/stack-outputs.ts';
import { CLUSTER_TAG, SERVICE_TAG } from '../../stacks/tags.ts';
import { dataRef, ingressLines, modelOf, ref, resources, stackView, synthFile, synthModel, type Block } from './helpers.ts';

const s = synthFile('inventory/example.yaml');
const c = s.model.controller as ManagedController;
const routerGroup = ref(s, 'aws_security_group', 'router-security-group');
const managementGroup = ref(s, 'aws_security_group', 'management-firewall_security-group');
const publicSubnet = ref(s, 'aws_subnet', 'network_public');
const managementSubnet = ref(s, 'aws_subnet', 'network_management');
const managementNic = ref(s, 'aws_network_interface', 'router_management-interface');

describe('provider and state', () => {
  it('uses the inventory region and tags everything with the cluster by default', () => {
    expect(s.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: { [CLUSTER_TAG]: 'example' } }] }]);
  });
  it('keeps state in a per-stack local file outside cdktf.out', () => {
    expect(s.json.terraform.backend).toEqual({ local: { path: '../../../.opencloud/state/example.tfstate' } });
  });
});

describe('management network', () => {
  it('is a VPC with a public subnet behind an internet gateway', () => {
    expect(s).toHaveResourceWithProperties('aws_vpc', { cidr_block: '192.168.0.0/16', enable_dns_hostnames: true });
    expect(s).toHaveResourceWithProperties('aws_subnet', { cidr_block: '192.168.1.0/24' });
    expect(s).toHaveResourceWithProperties('aws_route', {
      destination_cidr_block: '0.0.0.0/0',
      gateway_id: ref(s, 'aws_internet_gateway', 'network_internet-gateway'),
    });
    expect(s).toHaveResourceWithProperties('aws_route_table_association', { subnet_id: publicSubnet });
  });
  it('puts both subnets in one explicit availability zone, by default the region\'s first (a)', () => {
    for (const subnet of resources(s, 'aws_subnet')) expect(subnet.availability_zone).toBe('us-east-1a');
    const pinned = synthModel(modelOf(readFileSync('inventory/example.yaml', 'utf8').replace('  vpcCidr:', '  availabilityZone: us-east-1d\n  vpcCidr:'), 'az.yaml'));
    expect(resources(pinned, 'aws_subnet').map((r) => r.availability_zone)).toEqual(['us-east-1d', 'us-east-1d']);
  });
  it('routes the management subnet through the router management interface', () => {
    expect(s).toHaveResourceWithProperties('aws_subnet', { cidr_block: '192.168.100.0/24', map_public_ip_on_launch: false });
    const routeTable = ref(s, 'aws_route_table', 'network_management-routes');
    expect(s).toHaveResourceWithProperties('aws_route', { route_table_id: routeTable, destination_cidr_block: '0.0.0.0/0', network_interface_id: managementNic });
    expect(s).toHaveResourceWithProperties('aws_route_table_association', { subnet_id: managementSubnet, route_table_id: routeTable });
  });
});

describe('service VMs', () => {
  const instances = resources(s, 'aws_instance');
  const byService = new Map(instances.map((i) => [(i.tags as Record<string, string>)[SERVICE_TAG], i]));

  it('builds the ten VMs of the reference table, nothing else', () => {
    expect(instances).toHaveLength(10);
    expect([...byService.keys()].sort()).toEqual(c.serviceVms.map((vm) => vm.name).sort());
  });
  it.each(c.serviceVms.filter((vm) => !vm.isRouter).map((vm) => [vm.name, vm] as const))('%s sits at its fixed address with the model size', (name, vm) => {
    expect(byService.get(name)).toMatchObject({
      private_ip: vm.ip,
      subnet_id: managementSubnet,
      instance_type: vm.instanceType,
      root_block_device: { volume_size: vm.diskGiB },
      vpc_security_group_ids: [managementGroup],
      ami: dataRef(s, 'aws_ami', 'ubuntu_image'),
      key_name: 'opencloud-example',
      tags: { [CLUSTER_TAG]: 'example', [SERVICE_TAG]: name, Name: `example-${name}` },
    });
  });
  it('honours the per-VM override of the inventory (glance m5.large, 320 GiB)', () => {
    expect(byService.get('glance')).toMatchObject({ instance_type: 'm5.large', root_block_device: { volume_size: 320 } });
    expect(byService.get('keystone')).toMatchObject({ instance_type: 't3.medium', root_block_device: { volume_size: 40 } });
  });
  it('boots the newest Canonical AMI of the series, deprecated images included', () => {
    expect(s).toHaveDataSourceWithProperties('aws_ami_ids', {
      owners: [CANONICAL_AMI_OWNER],
      include_deprecated: true,
      filter: [
        { name: 'name', values: ['ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*'] },
        { name: 'virtualization-type', values: ['hvm'] },
      ],
    });
  });
});

describe('Juju/router VM', () => {
  const router = ref(s, 'aws_instance', 'router_instance');
  it('launches on the public subnet, its primary interface keeping the source/dest check', () => {
    // Argument valid in both provider lines (5.x and 6.x); primary_network_interface is 6.x only.
    expect(s).toHaveResourceWithProperties('aws_instance', { subnet_id: publicSubnet, vpc_security_group_ids: [routerGroup], tags: { [SERVICE_TAG]: 'juju' } });
    const instance = resources(s, 'aws_instance').find((r) => (r.tags as Record<string, string>)[SERVICE_TAG] === 'juju')!;
    expect(instance).not.toHaveProperty('primary_network_interface');
    expect(instance).not.toHaveProperty('network_interface');
    expect(instance).not.toHaveProperty('source_dest_check');
  });
  it('forwards through a management interface at its fixed address, the only one without source/dest check', () => {
    expect(s).toHaveResourceWithProperties('aws_network_interface', {
      subnet_id: managementSubnet,
      private_ips: [c.router.ip],
      source_dest_check: false,
      security_groups: [managementGroup],
    });
    expect(resources(s, 'aws_network_interface').filter((r) => r.source_dest_check === false)).toHaveLength(1);
    expect(s).toHaveResourceWithProperties('aws_network_interface_attachment', { instance_id: router, network_interface_id: managementNic, device_index: 1 });
  });
  it('has an Elastic IP on its primary interface, made once the internet gateway exists', () => {
    expect(s).toHaveResourceWithProperties('aws_eip', {
      domain: 'vpc',
      network_interface: ref(s, 'aws_instance', 'router_instance', 'primary_network_interface_id'),
      depends_on: [`aws_internet_gateway.${Object.keys(s.json.resource.aws_internet_gateway!)[0]}`],
    });
  });
});

describe('router security group', () => {
  it('opens each forwarded port and SSH to the client networks only', () => {
    const fromClients = ingressLines(s, routerGroup).filter((l) => l.endsWith('from 203.0.113.0/24'));
    expect(fromClients).toEqual([...PORT_FORWARDS.map((f) => `tcp ${f.port} from 203.0.113.0/24`), 'tcp 22 from 203.0.113.0/24'].sort());
  });
  // One rule per node, whatever the ports: the router's iptables restricts them (README, "Security groups").
  it.each(s.model.computeNodes.map((n) => [n.name, n.publicIp] as const))('lets compute node %s in with one all-traffic rule from its /32', (name, ip) => {
    expect(ingressLines(s, routerGroup).filter((l) => l.endsWith(`from ${ip}/32`))).toEqual([`all from ${ip}/32`]);
    const rules = resources(s, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 === `${ip}/32`);
    expect(rules).toHaveLength(2);
    for (const r of rules) {
      expect(r.ip_protocol).toBe('-1');
      expect(r.from_port).toBeUndefined();
      expect(r.description).toContain(`compute node ${name}`);
    }
  });
  it('has nothing else: no rule open to the world, no inline rules', () => {
    expect(ingressLines(s, routerGroup)).toHaveLength(PORT_FORWARDS.length + 1 + s.model.computeNodes.length);
    for (const g of resources(s, 'aws_security_group')) {
      expect(g.ingress).toBeUndefined();
      expect(g.egress).toBeUndefined();
    }
  });
  it('lets traffic out explicitly, since Terraform drops the AWS default egress', () => {
    for (const group of [routerGroup, managementGroup]) {
      expect(s).toHaveResourceWithProperties('aws_vpc_security_group_egress_rule', { security_group_id: group, ip_protocol: '-1', cidr_ipv4: '0.0.0.0/0' });
    }
  });
});

describe('management security group', () => {
  // The router's DNAT keeps the source address, so the VMs' group must admit what the router forwards.
  it('admits the management network, the forwarded VM ports from the client networks, and the compute nodes', () => {
    const vmPorts = [...new Set(PORT_FORWARDS.map((f) => f.vmPort))];
    const nodes = s.model.computeNodes.map((n) => `all from ${n.publicIp}/32`);
    expect(ingressLines(s, managementGroup)).toEqual(
      ['all from 192.168.100.0/24', ...vmPorts.map((p) => `tcp ${p} from 203.0.113.0/24`), ...nodes].sort(),
    );
    expect(ingressLines(s, managementGroup)).toContain('tcp 80 from 203.0.113.0/24');
    expect(ingressLines(s, managementGroup)).not.toContain('tcp 8080 from 203.0.113.0/24');
  });
});

describe('outputs', () => {
  const eipIp = ref(s, 'aws_eip', 'router_public-ip', 'public_ip');
  it('are exactly the names the bootstrap reads', () => {
    expect(Object.keys(s.json.output).sort()).toEqual(['hosts_block', 'juju_host', 'router_management_ip', 'router_public_ip', 'service_vm_ips']);
    expect(Object.keys(s.json.output).sort()).toEqual(Object.values(OUTPUT_NAMES).sort());
  });
  it('once deployed, read back through the bootstrap\'s reader', () => {
    // What `cdktf deploy --outputs-file` writes: each output's value with references resolved.
    const deployed = (v: unknown): unknown =>
      typeof v === 'string' ? v.replace(/\$\{[^}]*\}/g, (m) => (m.includes('private_dns') ? 'ip-192-168-100-40.ec2.internal' : '54.1.2.3')) : Array.isArray(v) ? v.map(deployed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deployed(x)])) : v;
    const file = { example: Object.fromEntries(Object.entries(s.json.output).map(([k, o]) => [k, deployed((o as { value: unknown }).value)])) };
    const outputs = parseStackOutputs(JSON.stringify(file), 'outputs.json', 'example');
    expect(outputs.juju_host).toBe('54.1.2.3');
    expect(outputs.hosts_block).toHaveLength(10);
  });
  it('give the router addresses and the juju host', () => {
    expect(s.json.output.router_public_ip?.value).toBe(eipIp);
    expect(s.json.output.juju_host?.value).toBe(eipIp);
    expect(s.json.output.router_management_ip?.value).toBe('192.168.100.10');
  });
  it('map every service VM to its private address', () => {
    expect(s.json.output.service_vm_ips?.value).toEqual(Object.fromEntries(c.serviceVms.map((vm) => [vm.name, vm.ip])));
    expect(s.json.output.service_vm_ips?.value).toMatchObject({ juju: '192.168.100.10', keystone: '192.168.100.40', 'rabbitmq-server': '192.168.100.110' });
  });
  it('give one hosts line per service VM: the router public IP, the EC2 private DNS name and <alias>.<cluster>', () => {
    const block = s.json.output.hosts_block?.value as { ip: string; names: string[] }[];
    expect(block).toHaveLength(10);
    expect(block.every((h) => h.ip === eipIp)).toBe(true);
    expect(block.find((h) => h.names[1] === 'keystone.example')?.names[0]).toBe(ref(s, 'aws_instance', 'vm-keystone_instance', 'private_dns'));
    expect(block.map((h) => h.names[1]).sort()).toEqual(c.serviceVms.map((vm) => `${vm.hostAlias}.example`).sort());
  });
});

it('tags every taggable resource with the cluster', () => {
  for (const [type, blocks] of Object.entries(s.json.resource)) {
    for (const [id, b] of Object.entries(blocks)) {
      if (type.endsWith('_association') || type.endsWith('_attachment') || type === 'aws_route') continue;
      expect((b as Block).tags, `${type}.${id}`).toMatchObject({ [CLUSTER_TAG]: 'example' });
    }
  }
});

it('reads as the snapshot', async () => {
  await expect(stackView(s)).toMatchFileSnapshot('__snapshots__/example.view.txt');
});
