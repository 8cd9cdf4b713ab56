// The image every VM boots: found for every series (deprecated images included, noble's gp3
// names), pinnable per cluster, refused at plan with a clear message when nothing matches or when
// it lacks the ENA driver a Nitro instance type needs; and the metadata service its cloud-init can use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CANONICAL_AMI_OWNER } from '../../src/inventory/reference.ts';
import { dataSources, modelOf, resources, synthModel, type Block } from './helpers.ts';

const example = readFileSync('inventory/example.yaml', 'utf8');
const withSeries = (series: string) => synthModel(modelOf(example.replace('ubuntuSeries: trusty', `ubuntuSeries: ${series}`), `${series}.yaml`));
type Conditions = { condition: string; error_message: string }[];
const postconditions = (b: Block) => ((b.lifecycle as { postcondition?: Conditions } | undefined)?.postcondition ?? []);

describe('Ubuntu AMI lookup', () => {
  it('finds Canonical\'s trusty images although they are deprecated, and fails at plan with a clear message when none matches', () => {
    const s = withSeries('trusty');
    const [candidates] = dataSources(s, 'aws_ami_ids');
    expect(candidates).toMatchObject({
      owners: [CANONICAL_AMI_OWNER],
      include_deprecated: true,
      filter: expect.arrayContaining([{ name: 'name', values: ['ubuntu/images/hvm-ssd/ubuntu-trusty-14.04-amd64-server-*'] }]),
    });
    const [found] = postconditions(candidates!);
    expect(found!.condition).toBe('${length(self.ids) > 0}');
    expect(found!.error_message).toMatch(/no Ubuntu 14\.04 \(trusty\) amd64 server image of owner 099720109477 in us-east-1.*amiId/);
  });

  it('looks noble up under its gp3 image names', () => {
    const [candidates] = dataSources(withSeries('noble'), 'aws_ami_ids');
    expect(candidates!.filter).toEqual(expect.arrayContaining([{ name: 'name', values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }]));
  });

  it('boots the newest match, deprecated or not', () => {
    const s = withSeries('jammy');
    const [image] = dataSources(s, 'aws_ami');
    expect(image).toMatchObject({ include_deprecated: true, filter: [{ name: 'image-id', values: [expect.stringMatching(/^\$\{element\(data\.aws_ami_ids\.\S+\.ids, 0\)\}$/)] }] });
    for (const vm of resources(s, 'aws_instance')) expect(vm.ami).toMatch(/^\$\{data\.aws_ami\.\S+\.id\}$/);
  });

  it('boots the AMI the inventory pins (amiId) and looks nothing else up', () => {
    const s = synthModel(modelOf(example.replace('ubuntuSeries: trusty\n', 'ubuntuSeries: trusty\namiId: ami-0123456789abcdef0\n'), 'pinned.yaml'));
    expect(dataSources(s, 'aws_ami_ids')).toEqual([]);
    const [image] = dataSources(s, 'aws_ami');
    expect(image).toMatchObject({ include_deprecated: true, filter: [{ name: 'image-id', values: ['ami-0123456789abcdef0'] }] });
  });

  it('refuses at plan an image without ENA for each instance type of the cluster that requires it', () => {
    const s = withSeries('trusty');
    const [image] = dataSources(s, 'aws_ami');
    expect(image).not.toHaveProperty('lifecycle');
    const types = dataSources(s, 'aws_ec2_instance_type');
    expect(types.map((t) => t.instance_type).sort()).toEqual(['m5.large', 't3.medium', 't3.small']);
    for (const t of types) {
      const [ena] = postconditions(t);
      expect(ena!.condition).toMatch(/^\$\{self\.ena_support != "required" \|\| data\.aws_ami\.ubuntu_image_\w+\.ena_support\}$/);
      expect(ena!.error_message).toMatch(new RegExp(`^${String(t.instance_type).replace('.', '\\.')} requires ENA .*no ENA support.*amiId`));
    }
  });
});

describe('instance metadata service', () => {
  const tokens = (series: string) => new Set(resources(withSeries(series), 'aws_instance').map((i) => (i.metadata_options as Block).http_tokens));
  it('allows IMDSv1 on trusty, whose cloud-init 0.7.5 knows nothing else (else no SSH key reaches the VM)', () => {
    expect(tokens('trusty')).toEqual(new Set(['optional']));
  });
  it.each(['xenial', 'focal', 'noble'])('requires IMDSv2 tokens on %s', (series) => {
    expect(tokens(series)).toEqual(new Set(['required']));
  });
});
