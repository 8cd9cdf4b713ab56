// A managed controller on the lab, made just enough for `opencloud status`: the Juju stand-in
// bootstrapped on the router with a few services on its machine 0, the router's forwards and the
// compute nodes' chains written by the router and node-nat steps themselves (a bootstrap run with
// only those steps), and a listener behind each forwarded port, each compute port and the Juju API. Nothing of the cluster is faked inside the status code's reach.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootstrap } from '../../src/bootstrap/bootstrap.ts';
import { STEPS } from '../../src/bootstrap/steps/index.ts';
import { loadModel } from '../../src/inventory/load.ts';
import { COMPUTE_NODE_PORTS, JUJU_API_PORT } from '../../src/inventory/reference.ts';
import type { Lab } from '../../lab/lab.ts';
import { listen, must } from '../../lab/host-commands.ts';
import { bootstrapJujuOn } from '../../lab/juju-host.ts';
import { writeManagedLabCluster } from '../../lab/managed-cluster.ts';

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
  status(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export async function prepareStatusLab(lab: Lab): Promise<StatusLab> {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-status-test-'));
  const router = lab.router;
  const { inventory, outputsFile: outputs, outputs: stackOutputs } = writeManagedLabCluster(lab, dir, { name: CLUSTER, forwards: FORWARDS });

  await bootstrapJujuOn(router, { services: SERVICES });

  // The router's forwards, written by the router step.
  const lines: string[] = [];
  const run = await bootstrap({
    model: loadModel(inventory),
    outputs: stackOutputs,
    steps: STEPS,
    only: ['router', 'node-nat'],
    live: false,
    logDir: join(dir, 'runs'),
    out: (l) => lines.push(l),
  });
  if (run.failed) throw new Error(`bootstrap --only router,node-nat failed:\n${lines.join('\n')}`);

  for (const f of FORWARDS) await listen(lab.host(f.vm), f.vmPort);
  // What the compute nodes reach (keystone's 5000 is a forward too); the Juju API on the router.
  for (const p of COMPUTE_NODE_PORTS) {
    if (p.protocol === 'tcp' && !FORWARDS.some((f) => f.vm === p.vm && f.vmPort === p.port)) await listen(lab.host(p.vm), p.port!);
  }
  await listen(router, JUJU_API_PORT);
  // A real node has a default route (the node's chain acts after routing); nothing out there
  // knows the management network.
  for (const node of lab.computeNodes) await must(node, 'ip route replace default via 198.51.100.254 dev eth0 onlink');

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
        const child = spawn(process.execPath, [cli, 'status', inventory, '--outputs', outputs, ...args], { env: { ...process.env, OPENCLOUD_DEBUG: '' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stdout, stderr }));
      }),
  };
}
