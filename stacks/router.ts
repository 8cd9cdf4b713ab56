// The Juju/router VM: the Juju state server, and the gateway between the public network and
// the management network (it forwards the service ports and routes the VMs' traffic out).
import { Eip } from '@cdktf/provider-aws/lib/eip/index.js';
import { Instance } from '@cdktf/provider-aws/lib/instance/index.js';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface/index.js';
import { NetworkInterfaceAttachmentA as NetworkInterfaceAttachment } from '@cdktf/provider-aws/lib/network-interface-attachment/index.js';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ipv4, positive, required } from './props.ts';
import { instanceBase, type MetadataTokens, type ServiceVmShape } from './service-vm.ts';
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
  /** IMDSv2 tokens required, or optional for an image whose cloud-init knows only IMDSv1. @default 'required' */
  readonly metadataTokens?: MetadataTokens;
  /** The VPC's internet gateway: AWS refuses an Elastic IP on a VPC without one. */
  readonly internetGateway: ITerraformDependable;
}

/**
 * Two interfaces. The public one is the instance's own primary interface (eth0), so the VM's own
 * default route goes to the internet gateway rather than back into the management network; it
 * keeps the source/destination check, since what leaves it has the router's own address (DNAT
 * replies, masqueraded traffic). The management interface forwards traffic that is neither from
 * nor to the VM, so only it has the check off.
 *
 * The instance creates its primary interface itself (subnet and groups on aws_instance) and the
 * management interface is attached second: the only way valid in both the 5.x and the 6.x provider
 * (`network_interface` is deprecated in 6.x, `primary_network_interface` does not exist in 5.x).
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

    const instance = new Instance(this, 'instance', {
      ...instanceBase(cluster, vm.name, {
        instanceType: required(C, 'vm.instanceType', vm.instanceType),
        diskGiB: positive(C, 'vm.diskGiB', vm.diskGiB),
        imageId: required(C, 'imageId', props.imageId),
        keyName: required(C, 'keyName', props.keyName),
        ...(props.metadataTokens ? { metadataTokens: props.metadataTokens } : {}),
      }),
      subnetId: required(C, 'publicSubnetId', props.publicSubnetId),
      vpcSecurityGroupIds: [required(C, 'publicSecurityGroupId', props.publicSecurityGroupId)],
    });
    const managementNic = new NetworkInterface(this, 'management-interface', {
      subnetId: required(C, 'managementSubnetId', props.managementSubnetId),
      privateIps: [ipv4(C, 'vm.ip', vm.ip)],
      securityGroups: [required(C, 'managementSecurityGroupId', props.managementSecurityGroupId)],
      sourceDestCheck: false,
      description: `${cluster} Juju/router management interface`,
      tags: tags('management'),
    });
    new NetworkInterfaceAttachment(this, 'management-attachment', {
      instanceId: instance.id,
      networkInterfaceId: managementNic.id,
      deviceIndex: 1,
    });
    const eip = new Eip(this, 'public-ip', {
      domain: 'vpc',
      networkInterface: instance.primaryNetworkInterfaceId,
      dependsOn: [required(C, 'internetGateway', props.internetGateway)],
      tags: tags('public-ip'),
    });

    this.instanceId = instance.id;
    this.publicIp = eip.publicIp;
    this.managementIp = vm.ip;
    this.managementInterfaceId = managementNic.id;
    this.privateDns = instance.privateDns;
  }
}
