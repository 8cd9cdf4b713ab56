// Issue 14 item 5 on the lab: compute nodes on the public network reach what the charms advertise
// on the management network. The real router and node-nat steps run against the lab's router (two
// interfaces), its service VMs (namespaces on the management bridge) and its compute nodes (public
// bridge). Then, from every node: a TCP connection to each (service VM management address, compute
// port) reaches a listener in that VM's namespace, the Juju API at the router's management address
// reaches the router, and GRE to the gateway's management address arrives in the gateway's
// namespace (raw IP protocol 47: this kernel has no GRE devices, but netfilter tracks and NATs GRE),
// and GRE the gateway starts arrives at each node from the gateway's management address.
// And the negatives: other ports from a node, and anything from a source that is not a node.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type BootstrapResult } from '../../src/bootstrap/bootstrap.ts';
import { STEPS } from '../../src/bootstrap/steps/index.ts';
import { loadModel } from '../../src/inventory/load.ts';
import { COMPUTE_NODE_PORTS, JUJU_API_PORT, SERVICE_VMS } from '../../src/inventory/reference.ts';
import { NODE_SCRIPT_PATH, SYSTEMD_ENABLE_LINK, SYSTEMD_UNIT_PATH } from '../../src/remote/router/node-boot.ts';
import { must as sh, listen } from '../../lab/host-commands.ts';
import { writeManagedLabCluster } from '../../lab/managed-cluster.ts';
import { startLab, skipLabTests, type Lab, type LabHost } from '../../lab/lab.ts';
import { pretendUbuntu } from '../../lab/ubuntu.ts';

const CLUSTER = 'paths-lab';
const ROUTER_PUBLIC = '198.51.100.2';
const ROUTER_MANAGEMENT = '192.168.100.10';
const GATEWAY = `192.168.100.${SERVICE_VMS['quantum-gateway'].hostOffset}`;
/** Where a node's default route points: an address nobody has, so anything not translated is lost, as on the Internet. */
const NOWHERE = '198.51.100.254';
const TCP_PORTS = COMPUTE_NODE_PORTS.filter((p) => p.protocol === 'tcp');

/** GET http://ip:port/whoami from inside a lab host: the body (the listener's host name), or `ERR <reason>`. */
async function whoami(host: LabHost, ip: string, port: number): Promise<string> {
  const r = await host.exec(
    `python3 -c 'import sys, urllib.request\ntry:\n    print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode().strip())\nexcept Exception as e:\n    print("ERR", type(e).__name__)' http://${ip}:${port}/whoami`,
  );
  return r.stdout.trim();
}

/** Sends one GRE packet (padded: NAT drops GRE shorter than 8 bytes) carrying `tag`, from host to ip. */
const sendGre = (host: LabHost, ip: string, tag: string) =>
  sh(host, `python3 -c 'import socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47); s.sendto(bytes([0, 0, 8, 0]) + sys.argv[1].encode().ljust(40, b"."), (sys.argv[2], 0))' ${tag} ${ip}`);

/** Starts a raw GRE receiver in the host: each packet's source and tag, one a line, in /tmp/gre.log. */
async function receiveGre(host: LabHost): Promise<void> {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)',
    'print("ready", flush=True)',
    'while True:',
    '    data, (src, _) = s.recvfrom(65535)',
    '    ihl = (data[0] & 15) * 4',
    '    print(src, data[ihl + 4:].split(b".")[0].decode(errors="replace"), flush=True)',
  ].join('\n');
  await sh(host, 'cat > /tmp/gre-listen.py', script);
  await sh(host, 'setsid python3 /tmp/gre-listen.py </dev/null >/tmp/gre.log 2>&1 &');
  for (let i = 0; i < 50 && !(await sh(host, 'cat /tmp/gre.log')).includes('ready'); i++) await new Promise((r) => setTimeout(r, 100));
}

/** The tags that arrived in the host from src (waits up to 2 s for `expected` to show up). */
async function greArrived(host: LabHost, src: string, expected?: string): Promise<string[]> {
  let tags: string[] = [];
  for (let i = 0; i < 20; i++) {
    tags = (await sh(host, 'cat /tmp/gre.log')).split('\n').filter((l) => l.startsWith(`${src} `)).map((l) => l.split(' ')[1]!);
    if (expected === undefined || tags.includes(expected)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return tags;
}

describe.skipIf(skipLabTests())('management paths: compute nodes reach the managed controller through the router', () => {
  let lab: Lab;
  let dir: string;
  let inventoryFile: string;
  let outputsFile: string;
  let first: BootstrapResult;
  const lines: string[] = [];
  const before = new Map<string, string>();

  const runSteps = () =>
    bootstrap({
      model: loadModel(inventoryFile),
      outputs: JSON.parse(readFileSync(outputsFile, 'utf8'))[CLUSTER],
      steps: STEPS,
      only: ['preflight', 'router', 'node-nat'],
      live: false,
      logDir: join(dir, 'runs'),
      out: (l) => lines.push(l),
    });

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 2, serviceVms: true, clients: true });
    dir = mkdtempSync(join(tmpdir(), 'opencloud-paths-test-'));
    ({ inventory: inventoryFile, outputsFile } = writeManagedLabCluster(lab, dir, { name: CLUSTER }));
    await pretendUbuntu(lab.computeNodes);
    // Like a server on the Internet, a node (and the outsider) has a default route, but nothing
    // out there knows the management network.
    for (const h of [...lab.computeNodes, lab.host('outsider'), lab.host('client')]) await sh(h, `ip route replace default via ${NOWHERE} dev eth0 onlink`);
    // A listener on every compute port in its VM, the Juju API on the router, and ports that are
    // in no list: 3307 in mysql's VM, 8022 on the router.
    for (const p of TCP_PORTS) await listen(lab.host(p.vm), p.port!);
    await listen(lab.router, JUJU_API_PORT);
    await listen(lab.host('mysql'), 3307);
    await listen(lab.router, 8022);
    await receiveGre(lab.host('quantum-gateway'));
    // Without the steps, the management addresses are out of a node's reach (TCP only: a GRE
    // packet now would leave a conntrack entry that keeps the later ones untranslated).
    const node = lab.computeNodes[0]!;
    before.set('keystone', await whoami(node, '192.168.100.40', 5000));
    before.set('juju', await whoami(node, ROUTER_MANAGEMENT, JUJU_API_PORT));
    first = await runSteps();
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
  });

  it('without the node chain a node reaches nothing on the management network', () => {
    expect(Object.fromEntries(before)).toEqual({ keystone: expect.stringMatching(/^ERR /), juju: expect.stringMatching(/^ERR /) });
  });

  it('the router and node-nat steps change every host once, without failure', () => {
    expect(first.results.filter((r) => r.status === 'failed' || r.status === 'skipped'), lines.join('\n')).toEqual([]);
    for (const n of lab.computeNodes) expect(first.results.find((r) => r.step === 'node-nat' && r.host === n.name)?.status, n.name).toBe('changed');
    expect(first.results.find((r) => r.step === 'router')?.status).toBe('changed');
  });

  it('from every node, each compute port at its VM management address reaches that VM', async () => {
    for (const node of lab.computeNodes) {
      for (const p of TCP_PORTS) {
        const ip = `192.168.100.${SERVICE_VMS[p.vm].hostOffset}`;
        expect(await whoami(node, ip, p.port!), `${node.name} -> ${p.vm} ${ip}:${p.port}`).toBe(p.vm);
      }
    }
  });

  it('from every node, the Juju API at the router management address reaches the router', async () => {
    for (const node of lab.computeNodes) expect(await whoami(node, ROUTER_MANAGEMENT, JUJU_API_PORT), node.name).toBe('router');
  });

  it('GRE the gateway starts arrives at every node from the gateway management address (the router masquerades it)', async () => {
    // First on these flows: no GRE has passed between a node and the gateway yet.
    const gateway = lab.host('quantum-gateway');
    for (const node of lab.computeNodes) {
      await receiveGre(node);
      await sendGre(gateway, node.ip, `to-${node.name}`);
      expect(await greArrived(node, GATEWAY, `to-${node.name}`), node.name).toContain(`to-${node.name}`);
      expect(await greArrived(node, ROUTER_PUBLIC)).toEqual([]);
    }
  });

  it('from every node, GRE to the gateway management address arrives in the gateway, from the node', async () => {
    const gateway = lab.host('quantum-gateway');
    for (const node of lab.computeNodes) {
      await sendGre(node, GATEWAY, `from-${node.name}`);
      expect(await greArrived(gateway, node.ip, `from-${node.name}`), node.name).toContain(`from-${node.name}`);
    }
  });

  it('a node gets nothing else: not a port outside the list, not the router beyond the Juju API, not by routing around its chain', async () => {
    const node = lab.computeNodes[0]!;
    // Not translated by the node's chain: lost like any packet for the management network.
    expect(await whoami(node, '192.168.100.50', 3307)).toMatch(/^ERR /);
    // The router itself: dropped from a node (the client network still reaches that listener).
    expect(await whoami(node, ROUTER_PUBLIC, 8022)).toMatch(/^ERR /);
    expect(await whoami(lab.host('client'), ROUTER_PUBLIC, 8022)).toBe('router');
    // A node routing straight to the management network through the router: only its compute ports pass.
    await sh(node, `ip route replace 192.168.100.0/24 via ${ROUTER_PUBLIC}`);
    try {
      expect(await whoami(node, '192.168.100.50', 3307)).toMatch(/^ERR /);
      expect(await whoami(node, '192.168.100.100', 80)).toMatch(/^ERR /);
    } finally {
      await sh(node, 'ip route del 192.168.100.0/24');
    }
  });

  it('a source that is not a node cannot use the forwards, even with the node chain copied onto it', async () => {
    const outsider = lab.host('outsider');
    const client = lab.host('client');
    // The node's own script, run on the outsider and the client.
    const script = await sh(lab.computeNodes[0]!, `cat ${NODE_SCRIPT_PATH}`);
    for (const h of [outsider, client]) await sh(h, `cat > /tmp/node-nat && sh /tmp/node-nat`, script);
    for (const h of [outsider, client]) {
      expect(await whoami(h, '192.168.100.110', 5672), h.name).toMatch(/^ERR /);
      expect(await whoami(h, '192.168.100.50', 3306), h.name).toMatch(/^ERR /);
      expect(await whoami(h, ROUTER_MANAGEMENT, JUJU_API_PORT), h.name).toMatch(/^ERR /);
      await sendGre(h, GATEWAY, `from-${h.name}`);
    }
    // A node's GRE still arrives (the receiver is alive); the others' never do.
    await sendGre(lab.computeNodes[1]!, GATEWAY, 'control');
    expect(await greArrived(lab.host('quantum-gateway'), lab.computeNodes[1]!.ip, 'control')).toContain('control');
    expect(await greArrived(lab.host('quantum-gateway'), outsider.ip)).toEqual([]);
    expect(await greArrived(lab.host('quantum-gateway'), client.ip)).toEqual([]);
    expect(await sh(lab.host('quantum-gateway'), 'cat /tmp/gre.log')).not.toMatch(/from-(outsider|client)/);
  });

  it('a second run changes nothing', async () => {
    const second = await runSteps();
    expect(second.results.filter((r) => r.status !== 'ok'), lines.join('\n')).toEqual([]);
  });

  it('after a boot (empty tables) the boot job brings the chain back, and the paths with it', async () => {
    const node = lab.computeNodes[1]!;
    expect((await sh(node, `readlink ${SYSTEMD_ENABLE_LINK}`)).trim()).toBe(SYSTEMD_UNIT_PATH);
    // A booted kernel: no rules, no chains. Then what systemd runs for the enabled unit.
    await sh(node, 'iptables -t nat -F && iptables -t nat -X');
    expect(await whoami(node, '192.168.100.40', 5000)).toMatch(/^ERR /);
    const execStart = (await sh(node, `cat ${SYSTEMD_UNIT_PATH}`)).split('\n').filter((l) => l.startsWith('ExecStart=')).map((l) => l.slice('ExecStart='.length));
    expect(execStart).toEqual([NODE_SCRIPT_PATH]);
    for (const cmd of execStart) await sh(node, cmd);
    // Twice, as a restarted unit would: still one jump.
    for (const cmd of execStart) await sh(node, cmd);
    expect((await sh(node, 'iptables -t nat -S')).split('\n').filter((l) => /^-A (OUTPUT|INPUT) .*OPENCLOUD/.test(l))).toEqual(['-A INPUT -j OPENCLOUD-NODE-IN', '-A OUTPUT -j OPENCLOUD-NODE']);
    expect(await whoami(node, '192.168.100.40', 5000)).toBe('keystone');
    const third = await runSteps();
    expect(third.results.filter((r) => r.status !== 'ok'), lines.join('\n')).toEqual([]);
  });
});
