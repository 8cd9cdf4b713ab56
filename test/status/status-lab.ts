// A managed controller on the lab, made just enough for `opencloud status`: the Juju stand-in
// bootstrapped on the router with a few services on its machine 0, the router's forwards written
// by the router step itself (a bootstrap run with only that step), and a listener behind each
// forwarded port. Nothing of the cluster is faked inside the status code's reach.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap } from '../../src/bootstrap/bootstrap.ts';
import { STEPS } from '../../src/bootstrap/steps/index.ts';
import { loadModel } from '../../src/inventory/load.ts';
import type { Lab } from '../lab/lab.ts';
import { listen, must } from '../lab/host-commands.ts';
import { bootstrapJujuOn } from '../lab/juju-host.ts';

export const CLUSTER = 'statuslab';
export const SERVICES = ['keystone', 'mysql', 'openstack-dashboard'] as const;
/** Two forwards keep the listeners few; the router step writes them as it would the reference's eight. */
export const FORWARDS = [
  { port: 5000, vm: 'keystone', vmPort: 5000 },
  { port: 8080, vm: 'openstack-dashboard', vmPort: 80 },
] as const;

export interface StatusLab {
  readonly inventory: string;
  readonly outputs: string;
  /** `opencloud status` as an operator runs it. */
  status(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
}

export async function prepareStatusLab(lab: Lab): Promise<StatusLab> {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-status-test-'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, readFileSync(lab.knownHostsFile, 'utf8'));
  const router = lab.router;

  const inventory = join(dir, 'inventory.yaml');
  const hw = '{ cpuCores: 1, arch: x86_64, memoryGiB: 1, diskTiB: 0.001, nics: [ { name: eth0, speedMbps: 1000 } ] }';
  writeFileSync(
    inventory,
    [
      `name: ${CLUSTER}`,
      'region: us-east-1',
      'ubuntuSeries: noble',
      'ssh:',
      '  user: root',
      `  privateKeyFile: ${lab.privateKeyFile}`,
      `  knownHostsFile: ${knownHosts}`,
      'minimums: { cpuCores: 1, arch: x86_64, memoryGiB: 0.25, diskTiB: 0.0001, nics: 1, nicSpeedMbps: 1 }',
      'controller:',
      '  kind: managed',
      '  vpcCidr: 192.168.0.0/16',
      '  publicSubnetCidr: 192.168.1.0/24',
      '  managementCidr: 192.168.100.0/24',
      '  clientCidrs: [198.51.100.64/27]',
      `  forwards: [ ${FORWARDS.map((f) => `{ port: ${f.port}, vm: ${f.vm}, vmPort: ${f.vmPort} }`).join(', ')} ]`,
      'computeNodes:',
      ...lab.computeNodes.map((h) => `  - { name: ${h.name}, publicIp: ${h.ip}, hardware: ${hw} }`),
      '',
    ].join('\n'),
  );
  const outputs = join(dir, 'outputs.json');
  const stackOutputs = {
    router_public_ip: router.ip,
    router_management_ip: router.managementIp!,
    service_vm_ips: Object.fromEntries([['juju', router.managementIp!], ...lab.serviceVms.map((h) => [h.name, h.ip])]),
    hosts_block: [{ ip: router.ip, names: ['keystone.amazon'] }],
    juju_host: router.ip,
  };
  writeFileSync(outputs, JSON.stringify({ [CLUSTER]: stackOutputs }));

  await bootstrapJujuOn(router, { services: SERVICES });

  // The router's forwards, written by the router step.
  const lines: string[] = [];
  const run = await bootstrap({
    model: loadModel(inventory),
    outputs: stackOutputs,
    steps: STEPS,
    only: ['router'],
    live: false,
    logDir: join(dir, 'runs'),
    out: (l) => lines.push(l),
  });
  if (run.failed) throw new Error(`bootstrap --only router failed:\n${lines.join('\n')}`);

  for (const f of FORWARDS) await listen(lab.host(f.vm), f.vmPort);

  // The stand-in reports a new unit `pending` for a few seconds: wait until every one is started.
  for (let i = 0; ; i++) {
    const units = Object.values(JSON.parse(await must(router, 'juju status --format=json')).services as Record<string, { units?: Record<string, { 'agent-state': string }> }>)
      .flatMap((s) => Object.values(s.units ?? {}));
    if (units.length === SERVICES.length && units.every((u) => u['agent-state'] === 'started')) break;
    if (i > 100) throw new Error('juju units did not start');
    await new Promise((r) => setTimeout(r, 200));
  }

  const cli = resolve('bin/opencloud.js');
  return {
    inventory,
    outputs,
    status: (...args) =>
      new Promise((done) => {
        const started = Date.now();
        const child = spawn(process.execPath, [cli, 'status', inventory, '--outputs', outputs, ...args], { env: { ...process.env, OPENCLOUD_DEBUG: '' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
      }),
  };
}
