// One of the controller's service VMs as an EC2 instance on the management network.
import { Instance, type InstanceConfig } from '@cdktf/provider-aws/lib/instance/index.js';
import { Construct } from 'constructs';
import type { ServiceVm } from '../src/inventory/model.ts';
import { UBUNTU_IMDSV1_ONLY_SERIES } from '../src/inventory/reference.ts';
import { ipv4, nonEmpty, positive, required } from './props.ts';
import { clusterTags, SERVICE_TAG } from './tags.ts';

/** What the instance is made of: a service VM of the model (reference sizes with the inventory's overrides). */
export type ServiceVmShape = Pick<ServiceVm, 'name' | 'instanceType' | 'diskGiB' | 'ip'>;

export interface ServiceVmProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** The VM: its name (e.g. keystone), EC2 instance type, root volume size in GiB and fixed management address. */
  readonly vm: ServiceVmShape;
  /** Management subnet. */
  readonly subnetId: string;
  /** Security groups of the VM. */
  readonly securityGroupIds: readonly string[];
  /** Ubuntu AMI. */
  readonly imageId: string;
  /** EC2 key pair for the first login. */
  readonly keyName: string;
  /** EBS type of the root volume. @default 'gp3' */
  readonly volumeType?: string;
  /** IMDSv2 tokens required, or optional for an image whose cloud-init knows only IMDSv1. @default 'required' */
  readonly metadataTokens?: MetadataTokens;
}

/** Whether the instance metadata service requires IMDSv2 tokens. */
export type MetadataTokens = 'required' | 'optional';

/**
 * IMDSv2 only, except on series whose cloud-init knows only IMDSv1 (trusty): there a required
 * token leaves the VM without its SSH key, unreachable.
 */
export function imdsTokens(series: string): MetadataTokens {
  return UBUNTU_IMDSV1_ONLY_SERIES.has(series) ? 'optional' : 'required';
}

/** The shared parts of every cluster instance: image, size, key, encrypted root volume, metadata service, tags. */
export function instanceBase(
  cluster: string,
  service: string,
  props: { instanceType: string; diskGiB: number; imageId: string; keyName: string; volumeType?: string; metadataTokens?: MetadataTokens },
): InstanceConfig {
  const tags = clusterTags(cluster, service, { [SERVICE_TAG]: service });
  return {
    ami: props.imageId,
    instanceType: props.instanceType,
    keyName: props.keyName,
    rootBlockDevice: { volumeSize: props.diskGiB, volumeType: props.volumeType ?? 'gp3', encrypted: true, tags },
    // IMDSv2 where the image can use it: the Juju VM runs tools that fetch URLs on others' behalf.
    metadataOptions: { httpTokens: props.metadataTokens ?? 'required', httpEndpoint: 'enabled' },
    tags,
  };
}

export class ServiceVmInstance extends Construct {
  readonly instanceId: string;
  readonly privateIp: string;
  /** The EC2 private DNS name, e.g. ip-192-168-100-40.ec2.internal. */
  readonly privateDns: string;

  constructor(scope: Construct, id: string, props: ServiceVmProps) {
    super(scope, id);
    const C = 'ServiceVmInstance';
    const vm = required(C, 'vm', props.vm);
    const name = required(C, 'vm.name', vm.name);
    const instance = new Instance(this, 'instance', {
      ...instanceBase(required(C, 'cluster', props.cluster), name, {
        instanceType: required(C, 'vm.instanceType', vm.instanceType),
        diskGiB: positive(C, 'vm.diskGiB', vm.diskGiB),
        imageId: required(C, 'imageId', props.imageId),
        keyName: required(C, 'keyName', props.keyName),
        ...(props.volumeType ? { volumeType: props.volumeType } : {}),
        ...(props.metadataTokens ? { metadataTokens: props.metadataTokens } : {}),
      }),
      subnetId: required(C, 'subnetId', props.subnetId),
      privateIp: ipv4(C, 'vm.ip', vm.ip),
      vpcSecurityGroupIds: [...nonEmpty(C, 'securityGroupIds', props.securityGroupIds)],
    });
    this.instanceId = instance.id;
    this.privateIp = instance.privateIp;
    this.privateDns = instance.privateDns;
  }
}
