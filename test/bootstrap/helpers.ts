// Shared by the bootstrap lab tests: an inventory and stack outputs for the lab, a run with short
// timeouts, and small steps that exercise the engine.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, type BootstrapOptions, type BootstrapResult } from '../../src/bootstrap/bootstrap.ts';
import type { StackOutputs } from '../../src/inventory/stack-outputs.ts';
import type { AnyStep } from '../../src/bootstrap/step.ts';
import { loadModel } from '../../src/inventory/load.ts';
import type { ClusterModel } from '../../src/inventory/model.ts';
import { clusterKnownHosts, type Lab } from '../../lab/lab.ts';

export const CLUSTER = 'labtest';

export interface LabCluster {
  readonly dir: string;
  readonly knownHostsFile: string;
  model(opts?: { hostKeys?: Record<string, string>; knownHostsFile?: string }): ClusterModel;
  outputs(hostsBlock?: StackOutputs['hosts_block']): StackOutputs;
  run(steps: readonly AnyStep[], opts?: Partial<BootstrapOptions>): Promise<BootstrapRun>;
}

export interface BootstrapRun extends BootstrapResult {
  readonly lines: string[];
  readonly log: Record<string, unknown>[];
  readonly error?: Error;
}

export const DEFAULT_BLOCK: StackOutputs['hosts_block'] = [
  { ip: '198.51.100.2', names: ['juju.amazon', 'juju'] },
  { ip: '198.51.100.2', names: ['keystone.amazon', 'keystone'] },
];

export function labCluster(lab: Lab): LabCluster {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-bootstrap-test-'));
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, clusterKnownHosts(lab, CLUSTER));
  let n = 0;
  const model: LabCluster['model'] = (opts = {}) => {
    const file = join(dir, `inventory-${++n}.yaml`);
    const nodes = lab.computeNodes
      .map(
        (h) =>
          `  - name: ${h.name}\n    publicIp: ${h.ip}\n${opts.hostKeys?.[h.name] ? `    hostKey: "${opts.hostKeys[h.name]}"\n` : ''}` +
          '    hardware: { cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [ { name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 } ] }\n',
      )
      .join('');
    writeFileSync(
      file,
      [
        `name: ${CLUSTER}`,
        'region: us-east-1',
        'ssh:',
        '  user: root',
        `  privateKeyFile: ${lab.privateKeyFile}`,
        `  knownHostsFile: ${opts.knownHostsFile ?? knownHostsFile}`,
        'controller:',
        '  kind: managed',
        '  vpcCidr: 192.168.0.0/16',
        '  publicSubnetCidr: 192.168.1.0/24',
        '  managementCidr: 192.168.100.0/24',
        '  clientCidrs: [203.0.113.0/24]',
        'computeNodes:',
        nodes,
      ].join('\n'),
    );
    return loadModel(file);
  };
  const outputs: LabCluster['outputs'] = (hostsBlock = DEFAULT_BLOCK) => ({
    router_public_ip: lab.router.ip,
    router_management_ip: lab.router.managementIp!,
    service_vm_ips: Object.fromEntries(lab.serviceVms.map((h) => [h.name, h.ip])),
    hosts_block: hostsBlock,
    juju_host: lab.router.ip,
  });
  const run: LabCluster['run'] = async (steps, opts = {}) => {
    const lines: string[] = [];
    const logDir = join(dir, 'runs');
    let result: BootstrapResult | undefined;
    let error: Error | undefined;
    try {
      result = await bootstrap({
        model: opts.model ?? model(),
        outputs: opts.outputs ?? outputs(),
        steps,
        live: false,
        logDir,
        connection: { readyTimeoutMs: 5_000, keepaliveIntervalMs: 1_000, keepaliveCountMax: 2, attempts: 2, backoffMs: 200 },
        out: (l) => lines.push(l),
        ...opts,
      });
    } catch (err) {
      error = err as Error;
    }
    const log = result ? readFileSync(result.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
    return { ...(result ?? { results: [], recap: new Map(), failed: true, dryRun: false, logFile: '' }), lines, log, ...(error ? { error } : {}) };
  };
  return { dir, knownHostsFile, model, outputs, run };
}

/** Counts per status over a run's results. */
export function totals(run: BootstrapRun): Record<'ok' | 'changed' | 'failed' | 'skipped', number> {
  const t = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const r of run.results) t[r.status]++;
  return t;
}

export function statusOf(run: BootstrapRun, step: string, host: string): string | undefined {
  return run.results.find((r) => r.step === step && r.host === host)?.status;
}

export function messageOf(run: BootstrapRun, step: string, host: string): string {
  return run.results.find((r) => r.step === step && r.host === host)?.message ?? '';
}
