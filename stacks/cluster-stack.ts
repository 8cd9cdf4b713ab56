// One Terraform stack per cluster (inventory): the controller in AWS for a managed controller,
// only the compute nodes' rules for an existing one.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterModel, ExistingController, ManagedController } from '../src/inventory/model.ts';
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
    const clients = new ClientFirewall(this, 'client-firewall', {
      routerGroup,
      forwards: c.forwards,
      clientCidrs: c.clientCidrs,
      allowAnyClient: c.allowAnyClient,
      sshPort: 22,
    });
    const management = new ManagementFirewall(this, 'management-firewall', {
      cluster,
      vpcId: network.vpcId,
      managementCidr: c.managementCidr,
      forwards: c.forwards,
      clientCidrs: c.clientCidrs,
    });
    for (const node of this.model.computeNodes) {
      new ComputeNodeAccess(this, `compute-access-${node.name}`, { group: routerGroup, node, ports: c.computePorts });
      new ComputeNodeAccess(this, `compute-forwarded-${node.name}`, { group: management.group, node, ports: c.computePorts });
    }

    const router = new Router(this, 'router', {
      cluster,
      vm: c.router,
      publicSubnetId: network.publicSubnetId,
      managementSubnetId: network.managementSubnetId,
      publicSecurityGroupId: routerGroup.securityGroupId,
      managementSecurityGroupId: management.securityGroupId,
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
        securityGroupIds: [management.securityGroupId],
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
        vpcCidr: c.vpcCidr,
        routerPublicIp: router.publicIp,
        sshCidrs: clients.sshCidrs,
      });
      for (const node of ec2Nodes) {
        new ComputeNodeInstance(this, `compute-${node.name}`, {
          cluster,
          name: node.name,
          instanceType: node.ec2!.instanceType,
          publicIp: node.publicIp,
          minimums: this.model.minimums,
          subnetId: network.publicSubnetId,
          securityGroupIds: [firewall.securityGroupId],
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
    new ExistingControllerAccess(this, 'controller-access', {
      cluster: this.model.name,
      greSecurityGroup: c.greSecurityGroup,
      keystoneSecurityGroup: c.keystoneSecurityGroup,
      ...(c.vpcId ? { vpcId: c.vpcId } : {}),
      nodes: this.model.computeNodes,
    });
    new ClusterOutputs(this, 'outputs', { jujuHost: c.jujuHost, hostsBlock: c.hosts });
  }
}
