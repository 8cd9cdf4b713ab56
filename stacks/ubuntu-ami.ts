// The Ubuntu image every VM of a cluster boots from.
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami/index.js';
import { Construct } from 'constructs';
import { CANONICAL_AMI_OWNER } from '../src/inventory/reference.ts';
import { required } from './props.ts';

export interface UbuntuAmiProps {
  /** Ubuntu series, e.g. trusty. */
  readonly series: string;
  /** Its release number, e.g. 14.04. */
  readonly release: string;
  /** Account that publishes the image. @default Canonical (099720109477) */
  readonly owner?: string;
  /** CPU architecture of the image name. @default 'amd64' */
  readonly architecture?: string;
}

/** Looks up the most recent official Ubuntu server AMI of a series (aws_ami data source). */
export class UbuntuAmi extends Construct {
  /** The AMI id. */
  readonly imageId: string;

  constructor(scope: Construct, id: string, props: UbuntuAmiProps) {
    super(scope, id);
    const series = required('UbuntuAmi', 'series', props.series);
    const release = required('UbuntuAmi', 'release', props.release);
    const arch = props.architecture ?? 'amd64';
    // Pinning the owner matters: anyone can publish an AMI named like Canonical's.
    const ami = new DataAwsAmi(this, 'image', {
      owners: [props.owner ?? CANONICAL_AMI_OWNER],
      mostRecent: true,
      filter: [
        { name: 'name', values: [`ubuntu/images/hvm-ssd/ubuntu-${series}-${release}-${arch}-server-*`] },
        { name: 'virtualization-type', values: ['hvm'] },
      ],
    });
    this.imageId = ami.id;
  }
}
