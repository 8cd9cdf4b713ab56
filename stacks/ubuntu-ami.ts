// The Ubuntu image every VM of a cluster boots from.
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami/index.js';
import { DataAwsAmiIds } from '@cdktf/provider-aws/lib/data-aws-ami-ids/index.js';
import { DataAwsEc2InstanceType } from '@cdktf/provider-aws/lib/data-aws-ec2-instance-type/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { CANONICAL_AMI_OWNER, UBUNTU_GP3_IMAGE_SERIES } from '../src/inventory/reference.ts';
import { nonEmpty, required } from './props.ts';

export interface UbuntuAmiProps {
  /** Ubuntu series, e.g. trusty. */
  readonly series: string;
  /** Its release number, e.g. 14.04. */
  readonly release: string;
  /** Region, for the message when no image matches. */
  readonly region: string;
  /** Every instance type booting the image: one that requires ENA needs an image with ENA support. */
  readonly instanceTypes: readonly string[];
  /** A pinned AMI (inventory `amiId`). @default - the newest image of the series from `owner` */
  readonly imageId?: string;
  /** Account that publishes the image. @default Canonical (099720109477) */
  readonly owner?: string;
  /** CPU architecture of the image name. @default 'amd64' */
  readonly architecture?: string;
}

/**
 * The newest official Ubuntu server AMI of a series, or the pinned one. Canonical deprecates its
 * images after two years (trusty's all are), and EC2 hides deprecated images unless asked, so the
 * lookup includes them. Both checks run at plan, before anything is created.
 */
export class UbuntuAmi extends Construct {
  /** The AMI id. */
  readonly imageId: string;

  constructor(scope: Construct, id: string, props: UbuntuAmiProps) {
    super(scope, id);
    const C = 'UbuntuAmi';
    const series = required(C, 'series', props.series);
    const release = required(C, 'release', props.release);
    const arch = props.architecture ?? 'amd64';
    const owner = props.owner ?? CANONICAL_AMI_OWNER;
    let imageId = props.imageId;
    if (!imageId) {
      const volume = UBUNTU_GP3_IMAGE_SERIES.has(series) ? 'hvm-ssd-gp3' : 'hvm-ssd';
      // Pinning the owner matters: anyone can publish an AMI named like Canonical's.
      const candidates = new DataAwsAmiIds(this, 'candidates', {
        owners: [owner],
        includeDeprecated: true,
        filter: [
          { name: 'name', values: [`ubuntu/images/${volume}/ubuntu-${series}-${release}-${arch}-server-*`] },
          { name: 'virtualization-type', values: ['hvm'] },
        ],
        lifecycle: {
          postcondition: [
            {
              condition: '${length(self.ids) > 0}',
              errorMessage: `There is no Ubuntu ${release} (${series}) ${arch} server image of owner ${owner} in ${required(C, 'region', props.region)}: set amiId in the inventory to an image of the series.`,
            },
          ],
        },
      });
      // Newest first (the data source sorts by creation time, descending).
      imageId = Fn.element(candidates.ids, 0) as string;
    }

    const image = new DataAwsAmi(this, 'image', { includeDeprecated: true, filter: [{ name: 'image-id', values: [imageId] }] });
    // Nitro types (t3, m5, ...) only have ENA network adapters: without the driver the VM has no
    // network. Checked on each type (not on the image, whose lookup then stays the same when a
    // type changes): a plain reference inside the condition (a token would nest a second `${}`).
    const imageEna = `data.aws_ami.${image.friendlyUniqueId}.ena_support`;
    for (const t of [...new Set(nonEmpty(C, 'instanceTypes', props.instanceTypes))].sort()) {
      new DataAwsEc2InstanceType(this, `type-${t}`, {
        instanceType: t,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.ena_support != "required" || ${imageEna}}`,
              errorMessage: `${t} requires ENA (a Nitro type), and the Ubuntu image has no ENA support: set amiId in the inventory to an image with ENA support, or choose instance types without ENA (e.g. t2, m4).`,
            },
          ],
        },
      });
    }
    this.imageId = image.id;
  }
}
