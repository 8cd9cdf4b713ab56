// Small inventories for the loader tests, written so that each line number is easy to read off.
import { parseInventory } from '../../src/inventory/load.ts';
import { formatText } from '../../src/inventory/diagnostic.ts';

/** A valid managed inventory; line N of the file is MANAGED[N - 1]. */
export const MANAGED = [
  'name: lab', // 1
  'region: us-east-1', // 2
  'controller:', // 3
  '  kind: managed', // 4
  '  vpcCidr: 192.168.0.0/16', // 5
  '  publicSubnetCidr: 192.168.1.0/24', // 6
  '  managementCidr: 192.168.100.0/24', // 7
  '  clientCidrs: [203.0.113.0/24]', // 8
  'computeNodes:', // 9
  '  - name: compute-1', // 10
  '    publicIp: 198.51.100.11', // 11
  '    hardware:', // 12
  '      cpuCores: 12', // 13
  '      arch: x86_64', // 14
  '      memoryGiB: 48', // 15
  '      diskTiB: 3', // 16
  '      nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }]', // 17
];

/** A valid existing-controller inventory, same convention. */
export const EXISTING = [
  'name: install', // 1
  'region: us-east-1', // 2
  'controller:', // 3
  '  kind: existing', // 4
  '  greSecurityGroup: juju-amazon-6', // 5
  '  keystoneSecurityGroup: juju-amazon-3', // 6
  '  jujuHost: 203.0.113.20', // 7
  '  hosts:', // 8
  '    - { ip: 203.0.113.20, names: [juju.amazon] }', // 9
  '    - { ip: 203.0.113.21, names: [ip-172-31-35-79.ec2.internal, keystone.amazon] }', // 10
  'computeNodes:', // 11
  '  - name: node-1', // 12
  '    publicIp: 198.51.100.31', // 13
  '    hardware: { cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }', // 14
];

/**
 * The document with some lines replaced (by 1-based line number); a replacement may hold
 * several lines, and null removes the line. Line numbers always refer to the original.
 */
export function edit(lines: readonly string[], changes: Record<number, string | null>): string {
  return lines
    .flatMap((line, i) => {
      const change = changes[i + 1];
      return change === undefined ? [line] : change === null ? [] : [change];
    })
    .join('\n');
}

/** The diagnostics of a document, as `LINE:COL: message` (file name left out). */
export function problems(text: string): string[] {
  return parseInventory(text, 'lab.yaml').diagnostics.map((d) => formatText(d).replace(/^lab\.yaml:/, ''));
}

/** Hardware meeting the guide's minimums, as one flow mapping. */
export const HARDWARE = '{ cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }';

/** `count` compute nodes as inventory lines, one each: compute-1 at 198.18.0.1 and so on. */
export const nodeLines = (count: number, first = 1): string[] =>
  Array.from({ length: count }, (_, i) => `  - { name: compute-${first + i}, publicIp: 198.18.${Math.floor((first + i) / 250)}.${(first + i) % 250}, hardware: ${HARDWARE} }`);

/** MANAGED with these client networks and `count` nodes; `extra` lines go after the region (line 2). */
export function managedWithNodes(clientCidrs: readonly string[], count: number, extra: readonly string[] = []): string {
  return edit(MANAGED, {
    2: ['region: us-east-1', ...extra].join('\n'),
    8: `  clientCidrs: [${clientCidrs.join(', ')}]`,
    9: ['computeNodes:', ...nodeLines(count)].join('\n'),
    10: null, 11: null, 12: null, 13: null, 14: null, 15: null, 16: null, 17: null,
  });
}
