// Inventories the deploy tests generate (into their temporary directory, never inventory/).
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const HARDWARE = '{ cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }';

export interface GeneratedNode {
  readonly name: string;
  readonly publicIp: string;
  /** EC2 instance type when the stack builds the node. */
  readonly instanceType?: string;
}

/** `count` physical nodes compute-1..N with addresses in 198.51.100.0/24 (TEST-NET-2). */
export const physicalNodes = (count: number, first = 1): GeneratedNode[] =>
  Array.from({ length: count }, (_, i) => ({ name: `compute-${first + i}`, publicIp: `198.51.100.${first + i}` }));

function nodeLines(nodes: readonly GeneratedNode[]): string {
  return nodes
    .map((n) => [`  - name: ${n.name}`, `    publicIp: ${n.publicIp}`, `    hardware: ${HARDWARE}`, ...(n.instanceType ? [`    ec2: { instanceType: ${n.instanceType} }`] : [])].join('\n'))
    .join('\n');
}

/** The example's managed controller under another name, with these client networks and nodes. */
export function managedInventory(dir: string, name: string, clientCidrs: readonly string[], nodes: readonly GeneratedNode[]): string {
  const head = readFileSync('inventory/example.yaml', 'utf8')
    .split('\ncomputeNodes:')[0]!
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^  clientCidrs: .*$/m, `  clientCidrs: [${clientCidrs.join(', ')}]`)
    .replace(/^  knownHostsFile: .*\n/m, '');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${head}\ncomputeNodes:\n${nodeLines(nodes)}\n`);
  return file;
}

/** An existing controller whose two groups live in `vpcId`. */
export function existingInventory(dir: string, name: string, groups: { gre: string; keystone: string; vpcId?: string }, nodes: readonly GeneratedNode[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'region: us-east-1',
      'controller:',
      '  kind: existing',
      `  greSecurityGroup: ${groups.gre}`,
      `  keystoneSecurityGroup: ${groups.keystone}`,
      ...(groups.vpcId ? [`  vpcId: ${groups.vpcId}`] : []),
      '  jujuHost: 203.0.113.20',
      '  hosts:',
      '    - { ip: 203.0.113.20, names: [ip-172-31-40-12.ec2.internal, juju.amazon] }',
      '    - { ip: 203.0.113.21, names: [ip-172-31-35-79.ec2.internal, keystone.amazon] }',
      'computeNodes:',
      nodeLines(nodes),
      '',
    ].join('\n'),
  );
  return file;
}

/** The same inventory (whose last list is computeNodes) with one more compute node, written into `dir`. */
export function withNode(dir: string, file: string, node: GeneratedNode): string {
  const text = readFileSync(file, 'utf8').replace(/\n*$/, '\n');
  const out = join(dir, `${basename(file, '.yaml')}-plus-${node.name}.yaml`);
  writeFileSync(out, `${text}${nodeLines([node])}\n`);
  return out;
}
