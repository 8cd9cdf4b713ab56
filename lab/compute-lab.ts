// The compute-node lab: an existing controller whose Juju host is the lab's router (running the
// Juju stand-in), compute nodes whose facts are what the lab hosts really have, and bootstrap
// runs through the engine's public API. Minimums are lowered through the inventory's `minimums`
// key, never a switch; the only thing changed on the hosts is /etc/os-release in the compute
// nodes' private roots (the lab is Debian; the inventory says Ubuntu 24.04).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, type BootstrapOptions, type BootstrapResult } from '../src/bootstrap/bootstrap.ts';
import { parseJujuStatus, type JujuStatus } from '../src/remote/juju/status.ts';
import { STEPS } from '../src/bootstrap/steps/index.ts';
import type { AnyStep } from '../src/bootstrap/step.ts';
import { loadModel } from '../src/inventory/load.ts';
import type { Lab, LabHost } from './lab.ts';
import { must } from './host-commands.ts';
import { bootstrapJujuOn } from './juju-host.ts';
import { LAB_SERIES, pretendUbuntu } from './ubuntu.ts';

export const CLUSTER = 'computelab';
export const SERIES = LAB_SERIES;

/** What a lab host can meet: 2 cores, a few GiB, one veth NIC (10 Gbps), a virtual disk. */
export const LAB_MINIMUMS = { cpuCores: 1, arch: 'x86_64', memoryGiB: 0.5, diskTiB: 0.01, nics: 1, nicSpeedMbps: 1000 };
const LAB_HARDWARE = '{ cpuCores: 1, arch: x86_64, memoryGiB: 0.5, diskTiB: 0.01, nics: [ { name: eth0, speedMbps: 1000 } ] }';
/** The guide's servers, as an inventory declares them (with the guide's default minimums). */
const GUIDE_HARDWARE = '{ cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [ { name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 } ] }';

/** The controller services the compute relations need, as the stand-in knows their charms. */
export const CONTROLLER_SERVICES = ['mysql', 'rabbitmq-server', 'glance', 'nova-cloud-controller', 'nagios'] as const;
export const SUBORDINATES = ['ntp', 'nrpe', 'ceilometer-agent'] as const;

export interface ComputeLab {
  readonly dir: string;
  /** Writes an inventory for these compute nodes and returns its path. */
  inventory(nodes: readonly LabHost[], opts?: { guideMinimums?: boolean }): string;
  run(file: string, opts?: { steps?: readonly AnyStep[] } & Partial<BootstrapOptions>): Promise<LabRun>;
  status(): Promise<JujuStatus>;
  juju(args: string): Promise<string>;
}

export interface LabRun extends BootstrapResult {
  readonly lines: readonly string[];
}

/** Makes the lab's compute nodes Ubuntu and bootstraps the Juju stand-in on the router. */
export async function prepareComputeLab(lab: Lab): Promise<ComputeLab> {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-compute-test-'));
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, readFileSync(lab.knownHostsFile, 'utf8'));

  await pretendUbuntu(lab.computeNodes);
  const router = lab.router;
  await bootstrapJujuOn(router, { services: CONTROLLER_SERVICES, subordinates: SUBORDINATES });

  let n = 0;
  const inventory: ComputeLab['inventory'] = (nodes, opts = {}) => {
    const file = join(dir, `inventory-${++n}.yaml`);
    const lines = [
      `name: ${CLUSTER}`,
      'region: us-east-1',
      `ubuntuSeries: ${SERIES}`,
      'ssh:',
      '  user: root',
      `  privateKeyFile: ${lab.privateKeyFile}`,
      `  knownHostsFile: ${knownHostsFile}`,
      ...(opts.guideMinimums ? [] : [`minimums: { ${Object.entries(LAB_MINIMUMS).map(([k, v]) => `${k}: ${v}`).join(', ')} }`]),
      'controller:',
      '  kind: existing',
      '  greSecurityGroup: juju-amazon-6',
      '  keystoneSecurityGroup: juju-amazon-3',
      `  jujuHost: ${router.ip}`,
      '  jujuUser: root',
      '  hosts:',
      // Every controller service answers on the router in this lab (one IP, one entry).
      `    - { ip: ${router.ip}, names: [ip-172-31-40-12.ec2.internal, juju.amazon, keystone.amazon, rabbitmq.amazon] }`,
      'computeNodes:',
      ...nodes.flatMap((h) => [`  - name: ${h.name}`, `    publicIp: ${h.ip}`, `    hardware: ${opts.guideMinimums ? GUIDE_HARDWARE : LAB_HARDWARE}`]),
      '',
    ];
    writeFileSync(file, lines.join('\n'));
    return file;
  };

  const run: ComputeLab['run'] = async (file, opts = {}) => {
    const lines: string[] = [];
    const { steps, ...rest } = opts;
    const result = await bootstrap({
      model: loadModel(file),
      steps: steps ?? STEPS,
      live: false,
      logDir: join(dir, 'runs'),
      connection: { readyTimeoutMs: 5_000, keepaliveIntervalMs: 1_000, keepaliveCountMax: 2, attempts: 2, backoffMs: 200 },
      out: (l) => lines.push(l),
      ...rest,
    });
    return { ...result, lines };
  };

  const juju = (args: string) => must(router, `juju ${args}`);
  const status = async () => parseJujuStatus(await juju('status --format=json'));
  return { dir, inventory, run, status, juju };
}

export function totals(run: BootstrapResult): Record<'ok' | 'changed' | 'failed' | 'skipped', number> {
  const t = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const r of run.results) t[r.status]++;
  return t;
}

/** `step@host` of every unit with this status. */
export function unitsWith(run: BootstrapResult, status: string): string[] {
  return run.results.filter((r) => r.status === status).map((r) => `${r.step}@${r.host}`);
}

export function resultOf(run: BootstrapResult, step: string, host: string) {
  return run.results.find((r) => r.step === step && r.host === host);
}
