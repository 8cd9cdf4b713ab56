import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNetns, pidsInNetns } from '../../lab/cleanup.ts';
import { startLab, skipLabTests, REBOOT_DELAY_FILE, DEFAULT_REBOOT_DELAY_SECONDS, type Lab, type LabHost } from '../../lab/lab.ts';
import { fingerprintOf } from '../../lab/keys.ts';
import { JUJU_STANDIN_MODULE } from '../../lab/layout.ts';
import { run } from '../../lab/proc.ts';

/** OpenSSH client with the lab's config (operator key, the lab's known_hosts, strict checking). */
function ssh(lab: Lab, args: string[]) {
  return run('ssh', ['-F', lab.sshConfigFile, ...args]);
}

function sshTo(lab: Lab, host: LabHost, cmd: string, extra: string[] = []) {
  const jump = host.role === 'service' ? ['-J', `root@${lab.router.ip}`] : [];
  return ssh(lab, [...extra, ...jump, `root@${host.ip}`, cmd]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Far longer than anything here takes: only a hang reaches it (a guard, not a claim about speed). */
const HANG_GUARD_MS = 60_000;

/** Polls `ok` until it holds; gives up, naming `what`, only after the hang guard. */
async function eventually(what: string, ok: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > HANG_GUARD_MS) throw new Error(`never happened: ${what}`);
    await sleep(100);
  }
}

/** Pids of the processes inside the host whose command line is exactly `argv`. */
async function processesRunning(host: LabHost, argv: string[]): Promise<string[]> {
  const r = await host.exec(`for p in /proc/[0-9]*; do [ "$(tr '\\0' ' ' < "$p/cmdline" 2>/dev/null)" = '${argv.join(' ')} ' ] && echo "\${p#/proc/}"; done; true`);
  return r.stdout.split('\n').filter(Boolean);
}

function gone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

const bootId = () => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8');

describe.skipIf(skipLabTests())('network-namespace lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    const t0 = Date.now();
    lab = await startLab();
    console.log(`startLab: ${lab.hosts.length} hosts in ${Date.now() - t0} ms`);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('has the reference topology', () => {
    expect(lab.hosts.map((h) => `${h.name} ${h.role} ${h.ip}`)).toEqual([
      'router router 198.51.100.2',
      'ceilometer service 192.168.100.20',
      'glance service 192.168.100.30',
      'keystone service 192.168.100.40',
      'mysql service 192.168.100.50',
      'nagios service 192.168.100.60',
      'quantum-gateway service 192.168.100.70',
      'nova-cloud-controller service 192.168.100.90',
      'openstack-dashboard service 192.168.100.100',
      'rabbitmq-server service 192.168.100.110',
      'compute-1 compute 198.51.100.11',
      'compute-2 compute 198.51.100.12',
      'compute-3 compute 198.51.100.13',
      'client client 198.51.100.70',
      'outsider client 198.51.100.200',
    ]);
    expect(lab.router.managementIp).toBe('192.168.100.10');
    expect(lab.computeNodes).toHaveLength(3);
    expect(lab.serviceVms).toHaveLength(9);
    expect(lab.operatorIp).toBe('198.51.100.1');
  });

  it('refuses a second lab in the same process', async () => {
    await expect(startLab()).rejects.toThrow(/already active/);
  });

  it('answers SSH on every host with the operator key and the host key of known_hosts', async () => {
    const results = await Promise.all(
      lab.hosts.map(async (h) => {
        // Spelled out (no -F) for the directly reachable hosts: exactly what an engineer would type.
        const direct = [
          '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${lab.knownHostsFile}`,
          '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null', '-i', lab.privateKeyFile,
        ];
        const r = h.role === 'service' ? await sshTo(lab, h, 'hostname') : await run('ssh', [...direct, `root@${h.ip}`, 'hostname']);
        return `${h.name}: ${r.code} ${r.stdout.trim()} ${r.stderr.trim()}`;
      }),
    );
    expect(results).toEqual(lab.hosts.map((h) => `${h.name}: 0 ${h.name} `));

    const knownHosts = fs.readFileSync(lab.knownHostsFile, 'utf8');
    expect(knownHosts).toContain(`198.51.100.2,192.168.100.10 ${lab.router.hostKeyLine}\n`);
    for (const h of lab.hosts) {
      expect(knownHosts).toContain(`${h.ips.join(',')} ${h.hostKeyLine}\n`);
      expect(h.hostKeyLine).toMatch(/^ssh-ed25519 AAAA\S+$/);
      expect(fingerprintOf(h.hostKeyLine)).toBe(h.hostKeyFingerprint);
    }
    // ... and the fingerprint is what ssh-keygen prints.
    const pub = path.join(lab.dir, 'compute-1.pub');
    fs.writeFileSync(pub, `${lab.host('compute-1').hostKeyLine}\n`);
    const keygen = await run('ssh-keygen', ['-lf', pub]);
    expect(keygen.stdout.split(' ')[1]).toBe(lab.host('compute-1').hostKeyFingerprint);
  });

  it('rejects a host key that differs from known_hosts', async () => {
    const wrong = path.join(lab.dir, 'wrong_known_hosts');
    fs.writeFileSync(wrong, `${lab.host('compute-1').ip} ${lab.host('compute-2').hostKeyLine}\n`);
    const r = await ssh(lab, ['-o', `UserKnownHostsFile=${wrong}`, `root@${lab.host('compute-1').ip}`, 'true']);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it("gives the router no SSH client key of its own: only Juju's key set may log in from it", async () => {
    const { router } = lab;
    // No ~/.ssh/id_* at all (Juju 1.25 would also offer id_rsa, id_dsa, id_ecdsa, identity; the
    // lab must not let any key but Juju's own make a log-in work).
    expect((await router.exec('ls -A /root/.ssh')).stdout.split('\n').filter((f) => /^id_|^identity/.test(f))).toEqual([]);
    const r = await router.exec(
      'ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3 root@192.168.100.40 true',
    );
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied/);
  });

  it('reaches service VMs only through the router', async () => {
    const keystone = lab.host('keystone');
    const direct = await new Promise<string>((resolve) => {
      const s = net.connect({ host: keystone.ip, port: 22 });
      s.on('connect', () => (s.destroy(), resolve('connected')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(direct).toBe('ENETUNREACH');

    const viaJump = await sshTo(lab, keystone, 'hostname; ip route show default');
    expect(viaJump.stdout).toBe('keystone\ndefault via 192.168.100.10 dev eth0 \n');

    // What the engine does: ssh2 forwardOut through the router, host keys pinned by fingerprint.
    const key = fs.readFileSync(lab.privateKeyFile, 'utf8');
    const pinned = (h: LabHost) => (blob: Buffer) => fingerprintOf(`ssh-ed25519 ${blob.toString('base64')}`) === h.hostKeyFingerprint;
    const router = new NodeSSH();
    const inner = new NodeSSH();
    try {
      await router.connect({ host: lab.router.ip, username: 'root', privateKey: key, hostVerifier: pinned(lab.router) });
      const sock = await new Promise<ClientChannel>((resolve, reject) =>
        router.connection!.forwardOut('127.0.0.1', 0, keystone.ip, 22, (err, ch) => (err ? reject(err) : resolve(ch))),
      );
      await inner.connect({ sock, username: 'root', privateKey: key, hostVerifier: pinned(keystone) });
      expect((await inner.execCommand('hostname')).stdout).toBe('keystone');
    } finally {
      inner.dispose();
      router.dispose();
    }

    expect((await lab.router.exec('cat /proc/sys/net/ipv4/ip_forward')).stdout).toBe('0\n');
    for (const h of [lab.host('compute-1'), lab.host('client')]) {
      expect((await h.exec('ip route get 192.168.100.40')).code, h.name).not.toBe(0);
    }
  });

  it('keeps every host filesystem private (atomic /etc/hosts rewrite, /usr/local/bin, /root)', async () => {
    const realHosts = fs.readFileSync('/etc/hosts', 'utf8');
    const realIno = fs.statSync('/etc/hosts').ino;
    const c1 = lab.host('compute-1');
    const write = await sshTo(
      lab,
      c1,
      'printf "192.168.100.40 keystone\\n" > /etc/hosts.new && mv /etc/hosts.new /etc/hosts && ' +
        'mkdir -p /var/lib/nova /etc/sysctl.d && echo x > /var/lib/nova/marker && ' +
        'echo "#!/bin/sh" > /usr/local/bin/lab-marker && chmod +x /usr/local/bin/lab-marker && cat /etc/hosts',
    );
    expect(write.code).toBe(0);
    expect(write.stdout).toBe('192.168.100.40 keystone\n');
    expect(fs.readFileSync(path.join(c1.root, 'etc/hosts'), 'utf8')).toBe('192.168.100.40 keystone\n');

    expect(fs.readFileSync('/etc/hosts', 'utf8')).toBe(realHosts);
    expect(fs.statSync('/etc/hosts').ino).toBe(realIno);
    expect(fs.existsSync('/usr/local/bin/lab-marker')).toBe(false);
    expect((await lab.host('compute-2').exec('cat /etc/hosts; ls /usr/local/bin/lab-marker')).stdout).toContain('compute-2');
    expect((await lab.host('compute-2').exec('ls /usr/local/bin/lab-marker')).code).not.toBe(0);

    // exec() feeds its input to the command inside the host.
    const piped = await c1.exec('cat > /tmp/piped && cat /tmp/piped', { input: 'through stdin' });
    expect(piped).toEqual({ code: 0, stdout: 'through stdin', stderr: '' });

    // Each host's /root is its own, with a tiny .bashrc and nothing of the machine's /root.
    const home = await c1.exec('ls -A /root; wc -c < /root/.bashrc');
    expect(home.stdout.split('\n').filter(Boolean).slice(0, -1).sort()).toEqual(['.bashrc', '.ssh']);
    // Kernel-wide settings are read-only inside hosts; their own net.* settings are not.
    expect((await c1.exec('echo 1 > /proc/sys/vm/swappiness')).code).not.toBe(0);
    expect((await c1.exec('echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward')).stdout).toBe('1\n');
    expect((await lab.host('compute-2').exec('cat /proc/sys/net/ipv4/ip_forward')).stdout).toBe('0\n');
  });

  it('installs the juju stand-in on the router only', async () => {
    const juju = new URL('../../lab/juju/juju', import.meta.url);
    expect(fs.existsSync(juju), `${juju.pathname} is the stand-in the lab installs`).toBe(true);
    expect((await lab.router.exec('command -v juju && test -x /usr/local/bin/juju')).stdout).toBe('/usr/local/bin/juju\n');
    // The launcher runs the stand-in's own code, as is.
    expect(fs.readFileSync(path.join(lab.router.root, JUJU_STANDIN_MODULE))).toEqual(fs.readFileSync(juju));
    expect((await lab.router.exec('juju version; juju no-such-command')).stderr).toContain('error: unrecognized command: juju no-such-command');
    expect((await lab.host('compute-1').exec('command -v juju')).code).not.toBe(0);
  });

  it('replaces every power command inside hosts by the lab stand-in', async () => {
    for (const h of [lab.router, lab.host('mysql'), lab.host('compute-3')]) {
      const r = await h.exec('for c in reboot shutdown halt poweroff systemctl /sbin/reboot /usr/sbin/reboot; do readlink -f "$(command -v $c)"; done | sort -u');
      expect(r.stdout, h.name).toBe('/usr/lib/opencloud-lab/power\n');
    }
    const other = await lab.router.exec('systemctl restart ssh');
    expect(other.code).toBe(1);
    expect(fs.readlinkSync('/usr/sbin/reboot')).not.toContain('opencloud-lab');
  });

  it('simulates a reboot of one compute node: sshd dies, the host comes back with the same key', async () => {
    const node = lab.host('compute-2');
    const before = { bootId: bootId(), hostKey: node.hostKeyFingerprint };
    expect(fs.readFileSync(path.join(node.root, REBOOT_DELAY_FILE.slice(1)), 'utf8').trim()).toBe(String(DEFAULT_REBOOT_DELAY_SECONDS));
    const pidBefore = (await node.exec('cat /run/sshd.pid')).stdout;
    await node.exec('touch /var/run/reboot-required');

    const reboot = await sshTo(lab, node, 'reboot');
    expect(reboot.code).toBe(0);
    // Down: its sshd is gone and its link is down.
    const refused = async () => (await sshTo(lab, node, 'true', ['-o', 'ConnectTimeout=1'])).code === 255;
    await eventually('compute-2 refuses SSH after reboot', refused);
    await eventually('compute-2 link down after reboot', async () => (await node.exec('ip -br link show eth0')).stdout.includes('DOWN'));
    // Other hosts do not notice.
    expect((await sshTo(lab, lab.host('compute-1'), 'hostname')).stdout).toBe('compute-1\n');
    // Back after the delay, with the same host key (StrictHostKeyChecking against known_hosts).
    await eventually('compute-2 back after reboot', async () => (await sshTo(lab, node, 'true', ['-o', 'ConnectTimeout=1'])).code === 0);
    const after = await sshTo(lab, node, 'hostname; test -e /var/run/reboot-required || echo no-reboot-required; cat /run/sshd.pid');
    expect(after.stdout).toMatch(/^compute-2\nno-reboot-required\n\d+\n$/);
    expect(after.stdout.endsWith(pidBefore)).toBe(false);
    expect(node.hostKeyFingerprint).toBe(before.hostKey);
    // The real machine did not reboot and still has its own reboot.
    expect(bootId()).toBe(before.bootId);
    expect(fs.readlinkSync('/usr/sbin/reboot')).toBe('/bin/systemctl');
  });

  it('honours a longer reboot delay from the host file: down for as long as that wait lasts', async () => {
    const node = lab.host('compute-3');
    await node.exec(`echo 600 > ${REBOOT_DELAY_FILE}`);
    try {
      await node.exec('reboot');
      // The reboot waits out the host file's delay (`sleep 600`): the host stays down meanwhile.
      let waiting: string[] = [];
      await eventually('the reboot waits `sleep 600`', async () => (waiting = await processesRunning(node, ['sleep', '600'])).length === 1);
      expect((await sshTo(lab, node, 'true', ['-o', 'ConnectTimeout=1'])).code).toBe(255);
      expect((await node.exec('ip -br link show eth0')).stdout).toContain('DOWN');
      // The wait over (cut short here), the host comes back.
      await node.exec(`kill ${waiting[0]}`);
      await eventually('compute-3 back once the delay is over', async () => (await sshTo(lab, node, 'true', ['-o', 'ConnectTimeout=1'])).code === 0);
    } finally {
      await node.exec(`echo ${DEFAULT_REBOOT_DELAY_SECONDS} > ${REBOOT_DELAY_FILE}`);
    }
  });

  it('stopSshd/startSshd and linkDown/linkUp make connections fail and come back', async () => {
    const c1 = lab.host('compute-1');
    const probe = () => sshTo(lab, c1, 'hostname', ['-o', 'ConnectTimeout=2']);

    await c1.stopSshd();
    const refused = await probe();
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    await c1.startSshd();
    expect((await probe()).stdout).toBe('compute-1\n');

    await c1.linkDown();
    const cut = await probe();
    expect(cut.code).toBe(255);
    expect(cut.stderr).toMatch(/timed out|No route to host/);
    await c1.linkUp();
    expect((await probe()).stdout).toBe('compute-1\n');

    // A service VM behind the router: cutting the router's links cuts it off too.
    const mysql = lab.host('mysql');
    await lab.router.linkDown();
    expect((await sshTo(lab, mysql, 'true', ['-o', 'ConnectTimeout=2'])).code).toBe(255);
    await lab.router.linkUp();
    expect((await sshTo(lab, mysql, 'hostname')).stdout).toBe('mysql\n');
  });

  it('stop() leaves no namespace, interface, mount, process or directory behind', async () => {
    const tag = path.basename(lab.dir);
    const namespaces = listNetns().filter((n) => n.startsWith(`${tag}-`));
    expect(namespaces).toHaveLength(lab.hosts.length + 2);
    const pids = pidsInNetns(namespaces);
    expect(pids.length).toBeGreaterThanOrEqual(lab.hosts.length * 2); // holders and sshds at least

    const t0 = Date.now();
    await lab.stop();
    console.log(`stop: ${Date.now() - t0} ms`);
    await lab.stop(); // idempotent

    // Other processes may run labs of their own meanwhile: look for this one's names only.
    expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(tag);
    expect((await run('ip', ['-o', 'link'])).stdout).not.toMatch(/ocl/); // this network namespace is ours alone
    expect(fs.readFileSync('/proc/mounts', 'utf8')).not.toContain(tag);
    await eventually('the lab\'s processes are gone', async () => pids.every(gone));
    expect(fs.existsSync(lab.dir)).toBe(false);
  });
});

describe.skipIf(skipLabTests())('lab housekeeping', () => {
  const small = { computeNodes: 1, serviceVms: false, clients: false };

  it('refuses to run outside the isolated network namespace', async () => {
    const saved = process.env.OPENCLOUD_ISOLATED;
    delete process.env.OPENCLOUD_ISOLATED;
    try {
      await expect(startLab(small)).rejects.toThrow(/refused: not in an isolated network namespace/);
    } finally {
      process.env.OPENCLOUD_ISOLATED = saved;
    }
  });

  it("removes leftovers of dead processes but not a live process's lab", async () => {
    const exited = spawn('true');
    await new Promise((r) => exited.on('exit', r));
    const deadPid = exited.pid!;
    const live = spawn('sleep', ['600'], { stdio: 'ignore' });
    const deadNs = `ocl-${deadPid}-dead-host`;
    const liveNs = `ocl-${live.pid}-beef-host`;
    const deadDir = path.join(os.tmpdir(), `ocl-${deadPid}-dead`);
    try {
      await run('ip', ['netns', 'add', deadNs]);
      await run('ip', ['netns', 'add', liveNs]);
      fs.mkdirSync(deadDir);
      // An SSH session that outlived its lab keeps the namespace busy.
      const lingering = spawn('ip', ['netns', 'exec', deadNs, 'sleep', '600'], { stdio: 'ignore' });
      await eventually('the lingering session runs in the dead namespace', async () => pidsInNetns([deadNs]).length === 1);

      const lab = await startLab(small);
      await lab.stop();

      expect(listNetns()).not.toContain(deadNs);
      expect(fs.existsSync(deadDir)).toBe(false);
      await eventually('the lingering session is ended', async () => lingering.exitCode !== null || lingering.signalCode !== null);
      expect(listNetns()).toContain(liveNs);
    } finally {
      live.kill();
      await run('ip', ['netns', 'del', liveNs]);
      await run('ip', ['netns', 'del', deadNs]);
      fs.rmSync(deadDir, { recursive: true, force: true });
    }
  });

  it('tears the lab down when the process gets SIGTERM', async () => {
    const fixture = fileURLToPath(new URL('../../lab/fixtures/lab-until-signal.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim()));
      child.on('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
    const tag = path.basename(dir);
    expect(listNetns().filter((n) => n.startsWith(`${tag}-`))).toHaveLength(4);
    const pids = pidsInNetns(listNetns().filter((n) => n.startsWith(`${tag}-`)));

    child.kill('SIGTERM');
    const signal = await new Promise((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal).toBe('SIGTERM');
    expect(listNetns().filter((n) => n.startsWith(`${tag}-`))).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    await eventually('the lab\'s processes are gone', async () => pids.every(gone));
  });
});
