// One Terraform stack per cluster (inventory): the controller in AWS for a managed controller,
// only the compute nodes' rules for an existing one.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterModel, ExistingController, ManagedController } from '../src/inventory/model.ts';
import { INTERFACE_GROUPS, securityGroupRules, type GroupRole, type GroupRules } from '../src/inventory/security-group-rules.ts';
import { ClientFirewall } from './client-firewall.ts';
import { ClusterOutputs } from './cluster-outputs.ts';
import { ClusterPolicy } from './cluster-policy.ts';
import { ComputeNodeAccess } from './compute-node-access.ts';
import { ComputeNodeFirewall } from './compute-node-firewall.ts';
import { ComputeNodeInstance } from './compute-node-instance.ts';
import { ExistingControllerAccess } from './existing-controller-access.ts';
import { ClusterKeyPair } from './key-pair.ts';
import { ManagementFirewall } from './management-firewall.ts';
import { ManagementNetwork } from './management-network.ts';
import { PropsError } from './props.ts';
import { requireVersions } from './provider-versions.ts';
import { Router } from './router.ts';
import { ClusterSecurityGroup } from './security-group.ts';
import { ServiceVmInstance } from './service-vm.ts';
import { StateBackend } from './state-backend.ts';
import { CLUSTER_TAG } from './tags.ts';
import { imdsTokens } from './service-vm.ts';
import { UbuntuAmi } from './ubuntu-ami.ts';

export interface ClusterStackProps {
  /** The cluster, resolved from its inventory. */
  readonly model: ClusterModel;
  /** Directory Terraform runs this stack in, for the local state path. @default 'cdktf.out/stacks/<name>' */
  readonly workingDirectory?: string;
  /** Directory of local state files. @default '.opencloud/state' */
  readonly localStateDir?: string;
}

export class ClusterStack extends TerraformStack {
  readonly model: ClusterModel;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id);
    const model = props.model;
    if (!model) throw new PropsError('ClusterStack', 'model', 'is required');
    if (id !== model.name) throw new PropsError('ClusterStack', 'id', `must be the inventory name "${model.name}", got "${id}"`);
    this.model = model;

    new AwsProvider(this, 'aws', { region: model.region, defaultTags: [{ tags: { [CLUSTER_TAG]: model.name } }] });
    requireVersions(this);
    new StateBackend(this, 'state', {
      stackName: model.name,
      ...(model.state?.s3 ? { s3: model.state.s3 } : {}),
      ...(props.workingDirectory ? { workingDirectory: props.workingDirectory } : {}),
      ...(props.localStateDir ? { localStateDir: props.localStateDir } : {}),
    });
    const c = model.controller;
    ClusterPolicy.of(this, {
      cluster: model.name,
      // The public ports on the router, and the VM ports they are delivered to behind it.
      worldOpenPorts: c.kind === 'managed' && c.allowAnyClient ? c.forwards.flatMap((f) => [f.port, f.vmPort]) : [],
    });
    if (c.kind === 'managed') this.buildManaged(c);
    else this.buildExisting(c);
  }

  private buildManaged(c: ManagedController): void {
    const cluster = this.model.name;
    const network = new ManagementNetwork(this, 'network', {
      cluster,
      vpcCidr: c.vpcCidr,
      publicSubnetCidr: c.publicSubnetCidr,
      managementCidr: c.managementCidr,
      availabilityZone: c.availabilityZone,
    });
    const ami = new UbuntuAmi(this, 'ubuntu', {
      series: this.model.ubuntuSeries,
      release: this.model.ubuntuRelease,
      region: this.model.region,
      instanceTypes: [...c.serviceVms.map((vm) => vm.instanceType), ...this.model.computeNodes.flatMap((n) => (n.ec2 ? [n.ec2.instanceType] : []))],
      ...(this.model.amiId ? { imageId: this.model.amiId } : {}),
    });
    const metadataTokens = imdsTokens(this.model.ubuntuSeries);
    const key = new ClusterKeyPair(this, 'key', { cluster, keyName: c.keyName, ...(c.publicKeyFile ? { publicKeyFile: c.publicKeyFile } : {}) });

    const routerGroup = new ClusterSecurityGroup(this, 'router-security-group', {
      cluster,
      role: 'router',
      description: 'OpenCloud Juju/router public interface: clients and compute nodes',
      vpcId: network.vpcId,
    });
    // Every rule comes from securityGroupRules, which validate counts against the quotas.
    const plan = groupsByRole(this.model);
    new ClientFirewall(this, 'client-firewall', {
      routerGroup,
      clientCidrs: c.clientCidrs,
      allowAnyClient: c.allowAnyClient,
      rules: plan('router').shared,
    });
    const management = new ManagementFirewall(this, 'management-firewall', {
      cluster,
      vpcId: network.vpcId,
      managementCidr: c.managementCidr,
      rules: plan('management').shared,
    });
    for (const { node, rules } of plan('router').nodes) {
      new ComputeNodeAccess(this, `compute-access-${node}`, { group: routerGroup, node, rules });
    }
    for (const { node, rules } of plan('management').nodes) {
      new ComputeNodeAccess(this, `compute-forwarded-${node}`, { group: management.group, node, rules });
    }
    const groupIds: Partial<Record<GroupRole, string>> = { router: routerGroup.securityGroupId, management: management.securityGroupId };
    const idsOf = (roles: readonly GroupRole[]) => roles.map((r) => groupIds[r] ?? missingGroup(r));

    const router = new Router(this, 'router', {
      cluster,
      vm: c.router,
      publicSubnetId: network.publicSubnetId,
      managementSubnetId: network.managementSubnetId,
      publicSecurityGroupId: onlyGroup(idsOf(INTERFACE_GROUPS.routerPublic)),
      managementSecurityGroupId: onlyGroup(idsOf(INTERFACE_GROUPS.routerManagement)),
      imageId: ami.imageId,
      keyName: key.keyName,
      metadataTokens,
      internetGateway: network.internetGateway,
    });
    network.routeThroughRouter(router.managementInterfaceId);

    const vms = new Map<string, { ip: string; dns: string }>();
    for (const vm of c.serviceVms) {
      if (vm.isRouter) {
        vms.set(vm.name, { ip: router.managementIp, dns: router.privateDns });
        continue;
      }
      const instance = new ServiceVmInstance(this, `vm-${vm.name}`, {
        cluster,
        vm,
        subnetId: network.managementSubnetId,
        securityGroupIds: idsOf(INTERFACE_GROUPS.serviceVm),
        imageId: ami.imageId,
        keyName: key.keyName,
        metadataTokens,
      });
      vms.set(vm.name, { ip: vm.ip, dns: instance.privateDns });
    }

    // EC2 compute nodes go in the public subnet: they need their Elastic IP like physical nodes
    // have a public address, and reach the controller through the router the same way.
    const ec2Nodes = this.model.computeNodes.filter((n) => n.ec2);
    if (ec2Nodes.length > 0) {
      const firewall = new ComputeNodeFirewall(this, 'compute-firewall', {
        cluster,
        vpcId: network.vpcId,
        routerPublicIp: router.publicIp,
        rules: plan('compute').shared,
      });
      groupIds.compute = firewall.securityGroupId;
      for (const node of ec2Nodes) {
        new ComputeNodeInstance(this, `compute-${node.name}`, {
          cluster,
          name: node.name,
          instanceType: node.ec2!.instanceType,
          publicIp: node.publicIp,
          minimums: this.model.minimums,
          subnetId: network.publicSubnetId,
          securityGroupIds: idsOf(INTERFACE_GROUPS.ec2ComputeNode),
          imageId: ami.imageId,
          keyName: key.keyName,
          metadataTokens,
        });
      }
    }

    new ClusterOutputs(this, 'outputs', {
      jujuHost: router.publicIp,
      routerPublicIp: router.publicIp,
      routerManagementIp: router.managementIp,
      serviceVmIps: Object.fromEntries(c.serviceVms.map((vm) => [vm.name, vm.ip])),
      hostsBlock: c.serviceVms.map((vm) => ({ ip: router.publicIp, names: [vms.get(vm.name)!.dns, `${vm.hostAlias}.${cluster}`] })),
    });
  }

  private buildExisting(c: ExistingController): void {
    const plan = groupsByRole(this.model);
    new ExistingControllerAccess(this, 'controller-access', {
      cluster: this.model.name,
      region: this.model.region,
      greSecurityGroup: c.greSecurityGroup,
      keystoneSecurityGroup: c.keystoneSecurityGroup,
      ...(c.vpcId ? { vpcId: c.vpcId } : {}),
      greRules: plan('gre').nodes,
      keystoneRules: plan('keystone').nodes,
    });
    new ClusterOutputs(this, 'outputs', { jujuHost: c.jujuHost, hostsBlock: c.hosts });
  }
}

/** The model's planned rules of one group; a role the plan lacks is a bug here, not in the inventory. */
function groupsByRole(model: ClusterModel): (role: GroupRole) => GroupRules {
  const groups = securityGroupRules(model);
  return (role) => groups.find((g) => g.role === role) ?? missingGroup(role);
}

function missingGroup(role: GroupRole): never {
  throw new Error(`ClusterStack: no security group "${role}" in this cluster's plan`);
}

/** The Router construct takes one group per interface. */
function onlyGroup(ids: readonly string[]): string {
  if (ids.length !== 1) throw new Error(`ClusterStack: the router's interfaces take one security group each, got ${ids.length}`);
  return ids[0]!;
}
