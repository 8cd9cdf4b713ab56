// The managed controller on the lab: a fresh bootstrap brings up Juju (the stand-in's state), the
// controller's services and the router; clients in clientCidrs reach the forwarded ports, an
// outsider does not, a compute node reaches AMQP and GRE; a second run changes nothing; and
// client-config writes the CA and the openrc and applies the client DNAT rule once.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type BootstrapResult } from '../../../src/bootstrap/bootstrap.ts';
import { hasRelation, parseJujuStatus, allUnits } from '../../../src/remote/juju/status.ts';
import { STEPS } from '../../../src/bootstrap/steps/index.ts';
import { loadModel } from '../../../src/inventory/load.ts';
import { CHARM_CONFIG, CONTROLLER_RELATIONS, KEYSTONE_CA_PATH, KEYSTONE_PASSWORD_PATH, SERVICE_VMS, SUBORDINATE_CHARMS } from '../../../src/inventory/reference.ts';
import { startLab, skipLabTests, type Lab, type LabHost } from '../../../lab/lab.ts';
import { listen, must as sh } from '../../../lab/host-commands.ts';
import { LAB_SERIES, pretendUbuntu } from '../../../lab/ubuntu.ts';
import { writeManagedLabCluster } from '../../../lab/managed-cluster.ts';

const run = promisify(execFile);
const CLUSTER = 'ctl-lab';
const REPO = join(import.meta.dirname, '../../..');
const ROUTER_PUBLIC = '198.51.100.2';
// A password the shell would mangle if openrc quoted it wrongly.
const PASSWORD = `Adm1n'pa"ss $(id) \\w0rd`;

/** GET url from inside a lab host: the body, or `ERR <reason>`. */
async function fetchFrom(host: LabHost, url: string): Promise<string> {
  const r = await host.exec(
    `python3 -c 'import sys, urllib.request\ntry:\n    print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())\nexcept Exception as e:\n    print("ERR", type(e).__name__)' ${url}`,
  );
  return r.stdout.trim();
}

function totals(result: BootstrapResult) {
  const t = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const r of result.results) t[r.status]++;
  return t;
}

/** iptables-save without comments and counters: what a re-run must leave identical. */
const saveOf = async (router: LabHost) => (await sh(router, 'iptables-save')).split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '')).join('\n');

describe.skipIf(skipLabTests())('managed controller on the lab', () => {
  let lab: Lab;
  let dir: string;
  let inventoryFile: string;
  let outputs: string;
  let first: BootstrapResult;
  let dry: BootstrapResult;
  let dryState: { juju: number | null; chains: string };
  const lines: string[] = [];

  const runBootstrap = (dryRun = false) =>
    bootstrap({
      dryRun,
      model: loadModel(inventoryFile),
      outputs: JSON.parse(readFileSync(outputs, 'utf8'))[CLUSTER],
      steps: STEPS,
      live: false,
      logDir: join(dir, 'runs'),
      out: (l) => lines.push(l),
    });

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1, serviceVms: true, clients: true });
    dir = mkdtempSync(join(tmpdir(), 'opencloud-controller-test-'));
    ({ inventory: inventoryFile, outputsFile: outputs } = writeManagedLabCluster(lab, dir, { name: CLUSTER }));
    // Preflight reads the OS from /etc/os-release.
    await pretendUbuntu(lab.computeNodes);
    // What the charms would leave behind: keystone's admin password and the Juju CA.
    await lab.host('keystone').exec(`mkdir -p /var/lib/keystone && cat > ${KEYSTONE_PASSWORD_PATH}`, { input: `${PASSWORD}\n` });
    await lab.host('nova-cloud-controller').exec(`mkdir -p /etc/ssl/certs && head -c 1500 /dev/urandom | base64 | sed '1i -----BEGIN CERTIFICATE-----' | sed '$a -----END CERTIFICATE-----' > ${KEYSTONE_CA_PATH}`);
    await listen(lab.host('keystone'), 5000);
    await listen(lab.host('keystone'), 35357);
    await listen(lab.host('openstack-dashboard'), 80);
    await listen(lab.host('rabbitmq-server'), 5672);
    dry = await runBootstrap(true);
    dryState = {
      // (`juju status` in a check may create ~/.juju itself, as Juju does; nothing of ours may be there.)
      juju: (await lab.router.exec('ls /root/.juju/environments.yaml /root/.juju/ssh/juju_id_rsa')).code,
      chains: (await lab.router.exec('iptables-save | grep -c OPENCLOUD || true')).stdout.trim(),
    };
    first = await runBootstrap();
  }, 600_000);

  afterAll(async () => {
    await lab?.stop();
  });

  it('a dry run on the fresh controller says what it would do and changes nothing', () => {
    for (const step of ['juju-preinstall', 'router', 'controller-services']) {
      const r = dry.results.find((x) => x.step === step && x.host === 'router');
      expect(r?.status, `${step}: ${r?.message ?? ''}`).toBe('changed');
    }
    expect(dry.results.find((x) => x.step === 'router')?.description).toMatch(/rebuild the OPENCLOUD-\* chains \(public eth0 by public address, management eth1\)/);
    expect(dryState).toEqual({ juju: 2, chains: '0' }); // no environment, no key, no chain of ours
  });

  it('a fresh bootstrap succeeds and changes each controller step', () => {
    const failures = first.results.filter((r) => r.status !== 'changed' && r.status !== 'ok');
    expect(failures, lines.join('\n')).toEqual([]);
    for (const step of ['juju-preinstall', 'router', 'controller-services']) {
      expect(first.results.find((r) => r.step === step && r.host === 'router')?.status).toBe('changed');
    }
  });

  it('leaves Juju with every machine, unit, setting and relation of the reference', async () => {
    const state = JSON.parse(await sh(lab.router, 'cat /root/.juju/standin-state.json'));
    expect(state.bootstrapped).toBe(true);
    expect(state.machines['0']['dns-name']).toBe('192.168.100.10');
    const machineAt = (ip: string) => Object.entries(state.machines as Record<string, { 'dns-name': string }>).find(([, m]) => m['dns-name'] === ip)?.[0];
    for (const vm of lab.serviceVms) {
      const mid = machineAt(vm.ip);
      expect(mid, vm.name).toBeDefined();
      for (const charm of SERVICE_VMS[vm.name as keyof typeof SERVICE_VMS].charms) {
        const svc = state.services[charm];
        expect(svc, charm).toBeDefined();
        expect(Object.values(svc.units as Record<string, { machine: string }>).map((u) => u.machine)).toEqual([mid]);
        for (const [k, v] of Object.entries(CHARM_CONFIG[charm] ?? {})) expect(svc.settings[k], `${charm} ${k}`).toBe(v);
      }
    }
    for (const s of SUBORDINATE_CHARMS) expect(state.services[s]?.subordinate, s).toBe(true);
    expect(state.services['quantum-gateway'].settings['instance-mtu']).toBe('1400');
    expect(state.services.keystone.settings['use-https']).toBe('yes');
    expect(state.services.keystone.settings['https-service-endpoints']).toBe('True');
    expect(state.services['rabbitmq-server'].settings.ssl).toBe('on');

    const status = parseJujuStatus(await sh(lab.router, 'juju status --format=json'));
    for (const r of CONTROLLER_RELATIONS) expect(hasRelation(status, r), r.join(' ')).toBe(true);
    const controllerServices = new Set([...lab.serviceVms.flatMap((h) => SERVICE_VMS[h.name as keyof typeof SERVICE_VMS].charms), ...SUBORDINATE_CHARMS]);
    const units = allUnits(status).filter((u) => controllerServices.has(u.service));
    expect(units.length).toBeGreaterThanOrEqual(10 + 8 + 1); // principals, nrpe beside 8 services, ntp beside ncc
    expect(units.filter((u) => u.agentState !== 'started')).toEqual([]);
    // Juju's key was generated once and authorized on every service VM.
    const key = (await sh(lab.router, 'cat /root/.juju/ssh/juju_id_rsa.pub')).split(' ').slice(0, 2).join(' ');
    for (const vm of [lab.router, ...lab.serviceVms]) expect(await sh(vm, 'cat /root/.ssh/authorized_keys'), vm.name).toContain(key);
    const env = await sh(lab.router, 'cat /root/.juju/environments.yaml');
    expect(env).toContain('type: manual');
    expect(env).toContain('bootstrap-host: 192.168.100.10');
    expect(env).toContain(`default-series: ${LAB_SERIES}`);
  });

  it('turns IP forwarding on, persisted', async () => {
    expect((await sh(lab.router, 'sysctl -n net.ipv4.ip_forward')).trim()).toBe('1');
    expect(await sh(lab.router, 'cat /etc/sysctl.d/60-opencloud-router.conf')).toContain('net.ipv4.ip_forward = 1');
  });

  it('lets a client in clientCidrs reach keystone on 5000 and 35357 and the dashboard on 8080, and refuses the outsider', async () => {
    const client = lab.host('client');
    const outsider = lab.host('outsider');
    expect(await fetchFrom(client, `http://${ROUTER_PUBLIC}:5000/whoami`)).toBe('keystone');
    expect(await fetchFrom(client, `http://${ROUTER_PUBLIC}:35357/whoami`)).toBe('keystone');
    expect(await fetchFrom(client, `http://${ROUTER_PUBLIC}:8080/whoami`)).toBe('openstack-dashboard');
    // A compute port is not a client port.
    expect(await fetchFrom(client, `http://${ROUTER_PUBLIC}:5672/whoami`)).toMatch(/^ERR /);
    for (const port of [5000, 35357, 8080]) expect(await fetchFrom(outsider, `http://${ROUTER_PUBLIC}:${port}/whoami`)).toMatch(/^ERR /);
    // Nor may the outsider route straight into the management network through the router.
    await sh(outsider, `ip route replace 192.168.100.0/24 via ${ROUTER_PUBLIC}`);
    expect(await fetchFrom(outsider, 'http://192.168.100.40:5000/whoami')).toMatch(/^ERR /);
  });

  it('lets a compute node reach AMQP on rabbitmq-server and GRE the neutron gateway, through the router', async () => {
    const compute = lab.computeNodes[0]!;
    expect(await fetchFrom(compute, `http://${ROUTER_PUBLIC}:5672/whoami`)).toBe('rabbitmq-server');
    const greCounters = async () => {
      const nat = await sh(lab.router, 'iptables -t nat -L OPENCLOUD-DNAT-COMPUTE -v -n -x');
      const filter = await sh(lab.router, 'iptables -L OPENCLOUD-FWD-COMPUTE -v -n -x');
      const count = (text: string) => Number(text.split('\n').find((l) => /\bgre\b|\b47\b/.test(l) && /ACCEPT|DNAT/.test(l))?.trim().split(/\s+/)[0] ?? NaN);
      return { nat: count(nat), filter: count(filter) };
    };
    const before = await greCounters();
    // A GRE packet (protocol 47) carrying an empty IPv4 payload, sent from the compute node to the router.
    const sendGre = `python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47); s.sendto(bytes([0, 0, 8, 0]) + bytes(20), ("${ROUTER_PUBLIC}", 0))'`;
    await sh(compute, sendGre);
    const after = await greCounters();
    expect(after.nat).toBeGreaterThan(before.nat);
    expect(after.filter).toBeGreaterThan(before.filter);
    // The outsider's GRE goes nowhere near the gateway.
    await sh(lab.host('outsider'), sendGre);
    expect((await greCounters()).filter).toBe(after.filter);
  });

  it('a second run changes nothing: zero changed, iptables identical, no rule twice', async () => {
    const saveBefore = await saveOf(lab.router);
    const second = await runBootstrap();
    expect(second.results.filter((r) => r.status !== 'ok'), lines.join('\n')).toEqual([]);
    expect(totals(second).changed).toBe(0);
    const saveAfter = await saveOf(lab.router);
    expect(saveAfter).toBe(saveBefore);
    const rules = saveAfter.split('\n').filter((l) => l.startsWith('-A ') && l.includes('OPENCLOUD'));
    expect(rules.length).toBeGreaterThan(20);
    expect(new Set(rules).size).toBe(rules.length);
  });

  it('client-config writes the CA and admin-openrc.sh, never prints the password, and applies the DNAT rules once, for the forwarded ports only', async () => {
    const out = join(dir, 'client');
    const cli = (...args: string[]) => run('node', [join(REPO, 'bin/opencloud.js'), 'client-config', inventoryFile, '--outputs', outputs, '--out-dir', out, ...args], { cwd: dir });
    const { stdout, stderr } = await cli();
    expect(stdout + stderr).not.toContain(PASSWORD);
    const printed = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('iptables '));
    const comment = `--comment 'opencloud client-config ${CLUSTER}'`;
    expect(printed).toContain(`iptables -t nat -A OUTPUT -d 192.168.100.40/32 -p tcp -m tcp --dport 5000 -m comment ${comment} -j DNAT --to-destination ${ROUTER_PUBLIC}:5000`);
    expect(printed).toContain(`iptables -t nat -A OUTPUT -d 192.168.100.100/32 -p tcp -m tcp --dport 80 -m comment ${comment} -j DNAT --to-destination ${ROUTER_PUBLIC}:8080`);
    expect(printed).toHaveLength(8);

    const caFile = join(out, `${CLUSTER}-ca.pem`);
    const ca = await lab.host('nova-cloud-controller').exec(`base64 -w0 ${KEYSTONE_CA_PATH}`);
    expect(readFileSync(caFile).toString('base64')).toBe(ca.stdout.trim());
    const openrc = join(out, 'admin-openrc.sh');
    expect(statSync(openrc).mode & 0o777).toBe(0o600);
    expect(readFileSync(openrc, 'utf8')).toBe(
      [
        `# OpenStack admin credentials of cluster ${CLUSTER} (written by opencloud client-config). Keep it private.`,
        "export OS_AUTH_URL='https://192.168.100.40:5000/v2.0'",
        "export OS_TENANT_NAME='admin'",
        "export OS_USERNAME='admin'",
        `export OS_PASSWORD='Adm1n'\\''pa"ss $(id) \\w0rd'`,
        "export OS_REGION_NAME='RegionOne'",
        `export OS_CACERT='${caFile}'`,
        '',
      ].join('\n'),
    );
    // The shell reads the password back exactly.
    const sourced = await run('sh', ['-c', '. "$1" && printf %s "$OS_PASSWORD"', 'sh', openrc]);
    expect(sourced.stdout).toBe(PASSWORD);

    // --apply on this machine (the test's own network namespace), twice: the rules are there once,
    // in place of the whole-network rule earlier versions added.
    await run('iptables', ['-t', 'nat', '-A', 'OUTPUT', '-p', 'tcp', '-d', '192.168.100.0/24', '-j', 'DNAT', '--to-destination', ROUTER_PUBLIC]);
    const applied1 = await cli('--apply');
    expect(applied1.stdout).toContain('put those rules on this machine');
    const applied2 = await cli('--apply');
    expect(applied2.stdout).toContain('those rules are already on this machine');
    const { stdout: nat } = await run('iptables', ['-t', 'nat', '-S', 'OUTPUT']);
    expect(nat.split('\n').filter((l) => l.includes('--to-destination'))).toEqual(printed.map((l) => l.replace('iptables -t nat ', '').replace(/'/g, '"')));

    // The printed rules on a client host: keystone's and the dashboard's management addresses answer
    // through the router (the dashboard's :80 by the router's :8080); the router's own SSH port is
    // not a forward, so keystone's address on 22 is not redirected to it.
    // (Lab hosts have no default route; a real client's would take the packet to the OUTPUT hook.)
    const client = lab.host('client');
    await sh(client, 'ip route replace 192.168.100.0/24 dev eth0');
    for (const line of printed) await sh(client, line);
    expect(await fetchFrom(client, 'http://192.168.100.40:5000/whoami')).toBe('keystone');
    expect(await fetchFrom(client, 'http://192.168.100.100/whoami')).toBe('openstack-dashboard');
    const banner = (addr: string) => client.exec(`timeout 3 bash -c 'exec 3<>/dev/tcp/${addr}/22 && head -c 4 <&3'`);
    expect((await banner(ROUTER_PUBLIC)).stdout).toBe('SSH-'); // the router's sshd answers the client
    expect((await banner('192.168.100.40')).stdout).toBe('');
  });
});
