// `opencloud status` on a managed controller of the lab: everything up exits 0; a unit in error,
// a missing forward, a closed port, a node path cut by a lost rule of the node's chain and a
// compute node whose sshd stopped each show as down (exit 1), the last within seconds. The checks run in the order that breaks the least first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../../src/status/format-json.ts';
import { startLab, skipLabTests, type Lab } from '../../lab/lab.ts';
import { FORWARDS, prepareStatusLab, SERVICES, type StatusLab } from './status-lab.ts';
import { must as sh } from '../../lab/host-commands.ts';
import { jujuWithEnv, jujuWithoutEnv } from '../../lab/juju-host.ts';
import { COMPUTE_NODE_PORTS, SERVICE_VMS as REFERENCE_VMS } from '../../src/inventory/reference.ts';
import { NODE_SCRIPT_PATH } from '../../src/remote/router/node-boot.ts';

type Line = { section: string; host: string; check: string; state: string; detail: string };
const linesOf = (json: StatusJson): Line[] => json.sections.flatMap((s) => s.checks.map((c) => ({ section: s.name, ...c })));
const notUp = (json: StatusJson) => linesOf(json).filter((l) => l.state !== 'up').map((l) => `${l.section} ${l.host} ${l.check}: ${l.state}`);

describe.skipIf(skipLabTests())('opencloud status on the lab', () => {
  let lab: Lab;
  let cluster: StatusLab;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 2, serviceVms: true, clients: false });
    cluster = await prepareStatusLab(lab);
  }, 180_000);

  afterAll(async () => {
    await lab?.stop();
  });

  it('reports every host, unit, forward and port up and exits 0', async () => {
    const r = await cluster.status('--json');
    const json = JSON.parse(r.stdout) as StatusJson;
    expect(notUp(json), r.stdout).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    const lines = linesOf(json);
    expect(lines.filter((l) => l.section === 'hosts').map((l) => l.host).sort()).toEqual(
      ['router', ...lab.serviceVms.map((h) => h.name), ...lab.computeNodes.map((h) => h.name)].sort(),
    );
    expect(lines.filter((l) => l.section === 'juju').map((l) => l.check)).toEqual(['juju status', ...[...SERVICES].sort().map((s) => `unit ${s}/0`)]);
    expect(lines.filter((l) => l.section === 'forwards').map((l) => l.check)).toEqual([
      'ip forwarding',
      'ruleset (OPENCLOUD-* chains)',
      'forward :5000 -> keystone 192.168.100.40:5000',
      'forward :8080 -> openstack-dashboard 192.168.100.100:80',
    ]);
    expect(lines.filter((l) => l.section === 'ports').map((l) => `${l.host} ${l.check} ${l.detail}`)).toEqual([
      'keystone tcp 192.168.100.40:5000 open (router :5000)',
      'openstack-dashboard tcp 192.168.100.100:80 open (router :8080)',
    ]);
    // From each node: its chain, then every compute port and the Juju API, through the router.
    for (const node of lab.computeNodes) {
      const paths = lines.filter((l) => l.section === 'paths' && l.host === node.name);
      expect(paths.map((l) => l.check)).toEqual([
        'node chain (OPENCLOUD-NODE)',
        ...COMPUTE_NODE_PORTS.filter((p) => p.protocol === 'tcp').map((p) => `tcp 192.168.100.${REFERENCE_VMS[p.vm].hostOffset}:${p.port}`),
        'tcp 192.168.100.10:17070',
      ]);
      expect(paths.at(-1)!.detail).toBe('open (router (Juju API))');
    }
  });

  it('prints a table per section and "everything up"', async () => {
    const r = await cluster.status();
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    for (const title of ['Hosts (SSH)', 'Juju services and units', 'Router port forwards (iptables)', 'Client ports (TCP connect from the router)']) {
      expect(out).toContain(title);
    }
    expect(out).toContain('Compute node paths to the management network (TCP connect from each node)');
    expect(out.filter((l) => l.startsWith('HOST '))).toHaveLength(5);
    expect(r.stdout).toMatch(/statuslab: everything up \(\d+ checks, \d+\.\d s\)/);
  });

  it('shows a unit in error as down (the stand-in told by JUJU_STANDIN_UNIT_ERROR through a wrapper)', async () => {
    // The stand-in reads its switches from the environment only, and sshd passes none: a wrapper
    // in front of it on the router sets one for every `juju` the status run starts.
    await jujuWithEnv(lab.router, { JUJU_STANDIN_UNIT_ERROR: 'keystone/0' });
    try {
      const r = await cluster.status('--json');
      expect(r.code).toBe(1);
      const json = JSON.parse(r.stdout) as StatusJson;
      // Machine 0 is the bootstrap host, the router, by its public address.
      expect(notUp(json)).toEqual([`juju ${lab.router.ip} unit keystone/0: down`]);
      expect(linesOf(json).find((l) => l.check === 'unit keystone/0')!.detail).toMatch(/^agent-state error, .*machine 0/);
    } finally {
      await jujuWithoutEnv(lab.router);
    }
  });

  it('shows a lost agent as down although 1.25 says started, and a service in status-error, reading the rest', async () => {
    // Juju 1.25: a lost unit agent keeps agent-state `started` (apiserver/client/status.go:745-770,
    // 870-892 at juju-1.25.9); an unreadable service prints only its status-error (formatted.go:84-90).
    await jujuWithEnv(lab.router, { JUJU_STANDIN_UNIT_LOST: 'keystone/0', JUJU_STANDIN_SERVICE_ERROR: 'openstack-dashboard' });
    try {
      const r = await cluster.status('--json');
      expect(r.code).toBe(1);
      const json = JSON.parse(r.stdout) as StatusJson;
      expect(notUp(json)).toEqual([`juju - service openstack-dashboard: down`, `juju ${lab.router.ip} unit keystone/0: down`]);
      const keystone = linesOf(json).find((l) => l.check === 'unit keystone/0')!;
      expect(keystone.detail).toMatch(/^agent-state started, agent lost: agent is not communicating with the server,/);
      expect(linesOf(json).find((l) => l.check === 'service openstack-dashboard')!.detail).toMatch(/^status-error: /);
    } finally {
      await jujuWithoutEnv(lab.router);
    }
  });

  it('shows a forward whose DNAT rule is gone and a port nobody listens on as down', async () => {
    const dashboard = FORWARDS[1];
    await sh(lab.router, `iptables -t nat -D OPENCLOUD-DNAT-CLIENT -p tcp -m tcp --dport ${dashboard.port} -j DNAT --to-destination 192.168.100.100:${dashboard.vmPort}`);
    await sh(lab.host(dashboard.vm), `pkill -f 'http[.]server ${dashboard.vmPort}'`);
    const r = await cluster.status('--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as StatusJson;
    expect(notUp(json)).toEqual([
      'forwards router ruleset (OPENCLOUD-* chains): down',
      'forwards router forward :8080 -> openstack-dashboard 192.168.100.100:80: down',
      'ports openstack-dashboard tcp 192.168.100.100:80: down',
    ]);
    const lines = linesOf(json);
    expect(lines.find((l) => l.check.startsWith('forward :8080'))!.detail).toBe('missing: DNAT rule');
    expect(lines.find((l) => l.check === 'tcp 192.168.100.100:80')!.detail).toBe('connection refused (router :8080)');
  });

  it('shows a node whose chain lost a rule as down, with the path it cuts, and up again once the boot script ran', async () => {
    const node = lab.host('compute-1');
    await sh(node, 'iptables -t nat -D OPENCLOUD-NODE -d 192.168.100.110/32 -p tcp -m tcp --dport 5672 -j DNAT --to-destination 198.51.100.2');
    const pathsDown = async () => {
      const r = await cluster.status('--json');
      return linesOf(JSON.parse(r.stdout) as StatusJson).filter((l) => l.section === 'paths' && l.state !== 'up');
    };
    const down = await pathsDown();
    expect(down.map((l) => `${l.host} ${l.check}`)).toEqual(['compute-1 node chain (OPENCLOUD-NODE)', 'compute-1 tcp 192.168.100.110:5672']);
    expect(down[0]!.detail).toBe('differs from what node-nat writes: nat chain OPENCLOUD-NODE: 1 rule(s) missing, 0 unexpected (re-run bootstrap --only node-nat)');
    expect(down[1]!.detail).toMatch(/\(rabbitmq-server\)$/);
    await sh(node, NODE_SCRIPT_PATH);
    expect(await pathsDown()).toEqual([]);
  });

  it('reports compute-2 unreachable once its sshd is stopped, and exits 1', async () => {
    await lab.host('compute-2').stopSshd();
    const r = await cluster.status();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^compute-2 +ssh \(compute\) +UNREACHABLE +.*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/^compute-1 +ssh \(compute\) +up /m);
  });

  it('reports a compute node whose link is down as unreachable after the connect timeout', async () => {
    await lab.host('compute-1').linkDown();
    const r = await cluster.status('--connect-timeout', '2');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^compute-1 +ssh \(compute\) +UNREACHABLE +.*(Timed out|EHOSTUNREACH)/m);
  });
});
