// The cluster model: an inventory with every default of the reference resolved. Stacks and the
// bootstrap read this, never the raw inventory.
import type { ComputeNodeEntry, Inventory } from './schema.ts';
import { hostAddress } from './network.ts';
import {
  COMPUTE_NODE_PORTS,
  PORT_FORWARDS,
  ROUTER_VM,
  SERVICE_VM_NAMES,
  SERVICE_VMS,
  UBUNTU_RELEASES,
  type ComputePort,
  type HardwareMinimums,
  type PortForward,
  type ServiceVmName,
} from './reference.ts';

export interface ServiceVm {
  readonly name: ServiceVmName;
  readonly charms: readonly string[];
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  readonly instanceType: string;
  /** Fixed address on the management network. */
  readonly ip: string;
  readonly hostAlias: string;
  /** The Juju VM, which also routes between the public and the management network. */
  readonly isRouter: boolean;
}

export interface ManagedController {
  readonly kind: 'managed';
  readonly vpcCidr: string;
  readonly publicSubnetCidr: string;
  readonly managementCidr: string;
  readonly clientCidrs: readonly string[];
  /** Zone of both subnets. */
  readonly availabilityZone: string;
  readonly allowAnyClient: boolean;
  readonly keyName: string;
  readonly publicKeyFile?: string;
  readonly serviceVms: readonly ServiceVm[];
  readonly router: ServiceVm;
  readonly forwards: readonly PortForward[];
  readonly computePorts: readonly ComputePort[];
}

export interface HostsEntry {
  readonly ip: string;
  readonly names: readonly string[];
}

export interface ExistingController {
  readonly kind: 'existing';
  readonly greSecurityGroup: string;
  readonly keystoneSecurityGroup: string;
  readonly vpcId?: string;
  readonly jujuHost: string;
  readonly jujuUser: string;
  readonly hosts: readonly HostsEntry[];
}

export type ComputeNode = ComputeNodeEntry;

export interface ClusterModel {
  readonly name: string;
  readonly region: string;
  readonly ubuntuSeries: string;
  /** e.g. 14.04 for trusty. */
  readonly ubuntuRelease: string;
  /** The AMI pinned by the inventory; default: the newest Canonical image of the series. */
  readonly amiId?: string;
  readonly state: Inventory['state'];
  readonly ssh: Inventory['ssh'];
  readonly minimums: HardwareMinimums;
  /** The AWS quotas the stack must fit in. */
  readonly quotas: Inventory['quotas'];
  readonly controller: ManagedController | ExistingController;
  readonly computeNodes: readonly ComputeNode[];
  /** The inventory file this model came from. */
  readonly sourceFile: string;
}

export function serviceVmIp(managementCidr: string, vm: ServiceVmName, override?: string): string {
  return override ?? hostAddress(managementCidr, SERVICE_VMS[vm].hostOffset);
}

export function toModel(inv: Inventory, sourceFile: string): ClusterModel {
  const c = inv.controller;
  let controller: ManagedController | ExistingController;
  if (c.kind === 'managed') {
    const serviceVms = SERVICE_VM_NAMES.map((name): ServiceVm => {
      const spec = SERVICE_VMS[name];
      const o = c.services?.[name];
      return {
        name,
        charms: spec.charms,
        vcpus: spec.vcpus,
        memoryMiB: spec.memoryMiB,
        diskGiB: o?.diskGiB ?? spec.diskGiB,
        instanceType: o?.instanceType ?? spec.instanceType,
        ip: serviceVmIp(c.managementCidr, name, o?.ip),
        hostAlias: spec.hostAlias,
        isRouter: name === ROUTER_VM,
      };
    });
    controller = {
      kind: 'managed',
      vpcCidr: c.vpcCidr,
      publicSubnetCidr: c.publicSubnetCidr,
      managementCidr: c.managementCidr,
      clientCidrs: c.clientCidrs,
      // Explicit, so every instance type is created in the one zone both subnets share.
      availabilityZone: c.availabilityZone ?? `${inv.region}a`,
      allowAnyClient: c.allowAnyClient,
      keyName: c.keyName ?? `opencloud-${inv.name}`,
      ...(c.publicKeyFile ? { publicKeyFile: c.publicKeyFile } : {}),
      serviceVms,
      router: serviceVms.find((vm) => vm.isRouter)!,
      forwards: c.forwards ?? PORT_FORWARDS,
      computePorts: COMPUTE_NODE_PORTS,
    };
  } else {
    controller = {
      kind: 'existing',
      greSecurityGroup: c.greSecurityGroup,
      keystoneSecurityGroup: c.keystoneSecurityGroup,
      ...(c.vpcId ? { vpcId: c.vpcId } : {}),
      jujuHost: c.jujuHost,
      jujuUser: c.jujuUser ?? inv.ssh.user,
      hosts: c.hosts,
    };
  }
  return {
    name: inv.name,
    region: inv.region,
    ubuntuSeries: inv.ubuntuSeries,
    ubuntuRelease: UBUNTU_RELEASES[inv.ubuntuSeries] ?? inv.ubuntuSeries,
    ...(inv.amiId ? { amiId: inv.amiId } : {}),
    state: inv.state,
    ssh: inv.ssh,
    minimums: inv.minimums,
    quotas: inv.quotas,
    controller,
    computeNodes: inv.computeNodes,
    sourceFile,
  };
}
