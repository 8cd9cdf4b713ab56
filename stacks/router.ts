// The Juju/router VM: the Juju state server, and the gateway between the public network and
// the management network (it forwards the service ports and routes the VMs' traffic out).
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { Instance } from '@cdktf/provider-aws/lib/instance/index.js';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface/index.js';
import { NetworkInterfaceAttachmentA as NetworkInterfaceAttachment } from '@cdktf/provider-aws/lib/network-interface-attachment/index.js';
import { Construct } from 'constructs';
import { ipv4, positive, required } from './props.ts';
import { instanceBase, type ServiceVmShape } from './service-vm.ts';
import { clusterTags } from './tags.ts';

export interface RouterProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** The Juju VM of the model (its `ip` is the fixed management address). */
  readonly vm: ServiceVmShape;
  /** Subnet of the public interface. */
  readonly publicSubnetId: string;
  /** Subnet of the management interface. */
  readonly managementSubnetId: string;
  /** Security group of the public interface (clients, compute nodes). */
  readonly publicSecurityGroupId: string;
  /** Security group of the management interface. */
  readonly managementSecurityGroupId: string;
  /** Ubuntu AMI. */
  readonly imageId: string;
  /** EC2 key pair for the first login. */
  readonly keyName: string;
}

/**
 * Two interfaces, both with source/destination check off since the VM forwards traffic that is
 * neither from nor to it. The public one is primary (eth0), so the VM's own default route goes
 * to the internet gateway rather than back into the management network.
 */
export class Router extends Construct {
  readonly instanceId: string;
  /** Elastic IP of the public interface. */
  readonly publicIp: string;
  /** Fixed address on the management network. */
  readonly managementIp: string;
  /** The management interface: the management subnet's default route. */
  readonly managementInterfaceId: string;
  /** EC2 private DNS name (of the public interface's private address). */
  readonly privateDns: string;

  constructor(scope: Construct, id: string, props: RouterProps) {
    super(scope, id);
    const C = 'Router';
    const cluster = required(C, 'cluster', props.cluster);
    const vm = required(C, 'vm', props.vm);
    const tags = (part: string) => clusterTags(cluster, `${vm.name}-${part}`);

    const publicNic = new NetworkInterface(this, 'public-interface', {
      subnetId: required(C, 'publicSubnetId', props.publicSubnetId),
      securityGroups: [required(C, 'publicSecurityGroupId', props.publicSecurityGroupId)],
      sourceDestCheck: false,
      description: `${cluster} Juju/router public interface`,
      tags: tags('public'),
    });
    const managementNic = new NetworkInterface(this, 'management-interface', {
      subnetId: required(C, 'managementSubnetId', props.managementSubnetId),
      privateIps: [ipv4(C, 'vm.ip', vm.ip)],
      securityGroups: [required(C, 'managementSecurityGroupId', props.managementSecurityGroupId)],
      sourceDestCheck: false,
      description: `${cluster} Juju/router management interface`,
      tags: tags('management'),
    });
    const eip = new Eip(this, 'public-ip', { domain: 'vpc', networkInterface: publicNic.id, tags: tags('public-ip') });

    const instance = new Instance(this, 'instance', {
      ...instanceBase(cluster, vm.name, {
        instanceType: required(C, 'vm.instanceType', vm.instanceType),
        diskGiB: positive(C, 'vm.diskGiB', vm.diskGiB),
        imageId: required(C, 'imageId', props.imageId),
        keyName: required(C, 'keyName', props.keyName),
      }),
      primaryNetworkInterface: { networkInterfaceId: publicNic.id },
    });
    new NetworkInterfaceAttachment(this, 'management-attachment', {
      instanceId: instance.id,
      networkInterfaceId: managementNic.id,
      deviceIndex: 1,
    });

    this.instanceId = instance.id;
    this.publicIp = eip.publicIp;
    this.managementIp = vm.ip;
    this.managementInterfaceId = managementNic.id;
    this.privateDns = instance.privateDns;
  }
}
