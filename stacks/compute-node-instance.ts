// A compute node built as an EC2 instance instead of a physical server. The guide's hardware
// minimums become checks Terraform makes against the instance type before anything is created.
import { DataAwsEc2InstanceType } from '@cdktf/provider-aws/lib/data-aws-ec2-instance-type/index.js';
import { DataAwsEip } from '@cdktf/provider-aws/lib/data-aws-eip/index.js';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume/index.js';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association/index.js';
import { Instance } from '@cdktf/provider-aws/lib/instance/index.js';
import { NetworkInterface } from '@cdktf/provider-aws/lib/network-interface/index.js';
import { NetworkInterfaceAttachmentA as NetworkInterfaceAttachment } from '@cdktf/provider-aws/lib/network-interface-attachment/index.js';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment/index.js';
import { Construct } from 'constructs';
import type { HardwareMinimums } from '../src/inventory/reference.ts';
import { ipv4, nonEmpty, positive, PropsError, required } from './props.ts';
import { instanceBase, type MetadataTokens } from './service-vm.ts';
import { clusterTags } from './tags.ts';

export interface ComputeNodeInstanceProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Node name from the inventory. */
  readonly name: string;
  /** EC2 instance type; must meet the minimums. */
  readonly instanceType: string;
  /** An Elastic IP the operator allocated; looked up and associated with the node. */
  readonly publicIp: string;
  /** The hardware the node must have (vCPUs stand for cores). */
  readonly minimums: HardwareMinimums;
  /** Subnet of both interfaces (the public subnet of a managed controller). */
  readonly subnetId: string;
  /** Security groups of both interfaces. */
  readonly securityGroupIds: readonly string[];
  /** Ubuntu AMI. */
  readonly imageId: string;
  /** EC2 key pair for the first login. */
  readonly keyName: string;
  /** IMDSv2 tokens required, or optional for an image whose cloud-init knows only IMDSv1. @default 'required' */
  readonly metadataTokens?: MetadataTokens;
  /** Root volume size in GiB. @default 40 */
  readonly rootDiskGiB?: number;
  /** EBS type of the data volume. @default 'gp3' */
  readonly dataVolumeType?: string;
}

export class ComputeNodeInstance extends Construct {
  readonly instanceId: string;

  constructor(scope: Construct, id: string, props: ComputeNodeInstanceProps) {
    super(scope, id);
    const C = 'ComputeNodeInstance';
    const cluster = required(C, 'cluster', props.cluster);
    const name = required(C, 'name', props.name);
    const min = required(C, 'minimums', props.minimums);
    for (const k of ['cpuCores', 'memoryGiB', 'diskTiB', 'nics'] as const) positive(C, `minimums.${k}`, min[k]);
    if (min.nics < 2) throw new PropsError(C, 'minimums.nics', 'must be at least 2: NIC1 public, NIC2 unconfigured');
    const securityGroups = [...nonEmpty(C, 'securityGroupIds', props.securityGroupIds)];
    const tags = (part: string) => clusterTags(cluster, `${name}-${part}`);
    const instanceType = required(C, 'instanceType', props.instanceType);

    // Postconditions run when Terraform reads the type, so a too small type fails the plan.
    const arch = min.arch;
    new DataAwsEc2InstanceType(this, 'instance-type', {
      instanceType,
      lifecycle: {
        postcondition: [
          { condition: `\${self.default_vcpus >= ${min.cpuCores}}`, errorMessage: `${name}: ${instanceType} has fewer than ${min.cpuCores} vCPUs (minimums.cpuCores).` },
          { condition: `\${self.memory_size >= ${Math.ceil(min.memoryGiB * 1024)}}`, errorMessage: `${name}: ${instanceType} has less than ${min.memoryGiB} GiB of memory (minimums.memoryGiB).` },
          { condition: `\${self.maximum_network_interfaces >= ${min.nics}}`, errorMessage: `${name}: ${instanceType} takes fewer than ${min.nics} network interfaces (minimums.nics).` },
          { condition: `\${contains(self.supported_architectures, "${arch}")}`, errorMessage: `${name}: ${instanceType} does not support ${arch} (minimums.arch).` },
        ],
      },
    });

    const instance = new Instance(this, 'instance', {
      ...instanceBase(cluster, name, {
        instanceType,
        diskGiB: positive(C, 'rootDiskGiB', props.rootDiskGiB ?? 40),
        imageId: required(C, 'imageId', props.imageId),
        keyName: required(C, 'keyName', props.keyName),
        ...(props.metadataTokens ? { metadataTokens: props.metadataTokens } : {}),
      }),
      subnetId: required(C, 'subnetId', props.subnetId),
      vpcSecurityGroupIds: securityGroups,
    });
    this.instanceId = instance.id;

    const data = new EbsVolume(this, 'data-volume', {
      availabilityZone: instance.availabilityZone,
      size: Math.ceil(min.diskTiB * 1024),
      type: props.dataVolumeType ?? 'gp3',
      encrypted: true,
      tags: tags('data'),
    });
    new VolumeAttachment(this, 'data-attachment', { deviceName: '/dev/sdf', volumeId: data.id, instanceId: instance.id });

    // NIC2 of the guide: attached, left unconfigured.
    const second = new NetworkInterface(this, 'second-interface', {
      subnetId: props.subnetId,
      securityGroups,
      description: `${cluster} ${name} NIC2 (unconfigured)`,
      tags: tags('nic2'),
    });
    new NetworkInterfaceAttachment(this, 'second-attachment', { instanceId: instance.id, networkInterfaceId: second.id, deviceIndex: 1 });

    // The address is the operator's, so destroying the stack never releases it.
    const eip = new DataAwsEip(this, 'public-ip', { publicIp: ipv4(C, 'publicIp', props.publicIp) });
    // On the primary interface, not the instance: with NIC2 attached the instance has two
    // interfaces and AWS refuses an association by instance.
    new EipAssociation(this, 'public-ip-association', { allocationId: eip.id, networkInterfaceId: instance.primaryNetworkInterfaceId });
  }
}
