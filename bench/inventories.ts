// Inventories the benchmarks synthesize, generated into a temporary directory (never inventory/).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory for one benchmark run's files. */
export const benchDir = (): string => mkdtempSync(join(tmpdir(), 'opencloud-bench-'));

/** The example inventory with `nodes` compute nodes instead of its three, named `name` (default bench-NODES). */
export function clusterWithNodes(dir: string, nodes: number, example = 'inventory/example.yaml', name = `bench-${nodes}`): string {
  const head = readFileSync(example, 'utf8').split('\ncomputeNodes:')[0]!.replace(/^name: .*$/m, `name: ${name}`);
  const lines = ['computeNodes:'];
  for (let i = 0; i < nodes; i++) {
    lines.push(
      `  - name: compute-${i + 1}`,
      `    publicIp: 198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`,
      '    hardware: { cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }',
    );
  }
  // One rule per node in each group (README, "Security groups and quotas"): past the default 60,
  // the inventory states a raised quota, as an account running that many nodes would have.
  const quotas = nodes > 40 ? ['quotas: { rulesPerSecurityGroup: 500, securityGroupsPerInterface: 2 }'] : [];
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${[head, ...quotas].join('\n')}\n${lines.join('\n')}\n`);
  return file;
}
