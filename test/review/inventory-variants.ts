// Copies of inventory/example.yaml with one change each, written to a temp dir, for
// synthesizing two versions of one cluster.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLE_YAML = readFileSync(new URL('../../inventory/example.yaml', import.meta.url), 'utf8');

export const FOURTH_NODE = `  - name: compute-4
    publicIp: 198.51.100.14
    hardware:
      cpuCores: 12
      arch: x86_64
      memoryGiB: 48
      diskTiB: 3
      nics: [ { name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 } ]
`;

/** example.yaml with a fourth compute node. */
export const withFourthNode = (yaml = EXAMPLE_YAML) => `${yaml.replace(/\n*$/, '\n')}${FOURTH_NODE}`;

/** example.yaml with glance on another instance type. */
export function withGlanceType(type: string, yaml = EXAMPLE_YAML): string {
  const changed = yaml.replace('glance: { instanceType: m5.large,', `glance: { instanceType: ${type},`);
  if (changed === yaml) throw new Error('example.yaml no longer overrides glance the way this helper expects');
  return changed;
}

export function writeVariant(dir: string, name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}
