import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SeededHost } from './hostfs.ts';
import { START_SSHD, STOP_SSHD } from './layout.ts';
import type { BridgePort } from './network.ts';
import { run, runChecked, type RunResult } from './proc.ts';
import type { HostSpec, Role } from './topology.ts';
import { keyWithoutComment } from './keys.ts';

const HOLDER_SCRIPT = fileURLToPath(new URL('./scripts/holder.sh', import.meta.url));

/** What a root login shell would have; nothing of the test process's environment leaks in. */
const HOST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/sh',
  LANG: 'C.UTF-8',
};

/**
 * Starts the host's holder: `ip netns exec` puts it in the host's network namespace, `unshare` gives
 * it private mount, UTS and pid namespaces, and holder.sh builds the private root and stays as the
 * namespace's init. Resolves with the holder's pid (as seen from here) once the host is up.
 */
export function startHolder(netns: string, hostDir: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ip',
      ['netns', 'exec', netns, 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', 'sh', HOLDER_SCRIPT, hostDir, name],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const line = /^(\d+)\n/.exec(stdout);
      if (!line) return;
      // The holder lives on until the lab tears it down (by pid); nothing here may keep Node running.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      resolve(Number(line[1]));
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`lab host ${name}: holder exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
}

export interface HostParams {
  spec: HostSpec;
  seeded: SeededHost;
  holderPid: number;
  ports: BridgePort[];
}

/** One lab host: a network namespace plus the holder's mount/UTS/pid namespaces and private root. */
export class NamespaceHost {
  readonly name: string;
  readonly role: Role;
  readonly ip: string;
  readonly managementIp?: string;
  readonly ips: string[];
  readonly hostKeyFingerprint: string;
  readonly hostKeyLine: string;
  /** The host's private root as seen from outside: the holder's root, through /proc. */
  readonly root: string;
  readonly holderPid: number;
  private readonly ports: BridgePort[];

  constructor(p: HostParams) {
    this.name = p.spec.name;
    this.role = p.spec.role;
    this.ips = p.spec.nics.map((n) => n.ip);
    this.ip = this.ips[0]!;
    if (p.spec.role === 'router') this.managementIp = p.spec.nics.find((n) => n.network === 'management')?.ip;
    this.hostKeyFingerprint = p.seeded.hostKey.fingerprint;
    this.hostKeyLine = keyWithoutComment(p.seeded.hostKey.publicKeyLine);
    this.holderPid = p.holderPid;
    this.root = `/proc/${p.holderPid}/root`;
    this.ports = p.ports;
  }

  /** Runs `sh -c cmd` as root inside the host (all its namespaces, its private root), not over SSH. */
  exec(cmd: string, opts: { input?: string } = {}): Promise<RunResult> {
    const enter = ['-t', String(this.holderPid), '--mount', '--uts', '--net', '--pid', '--root', '--wd'];
    return run('nsenter', [...enter, '--', '/bin/sh', '-c', cmd], { env: HOST_ENV, input: opts.input });
  }

  async startSshd(): Promise<void> {
    await this.checked(START_SSHD);
  }

  async stopSshd(): Promise<void> {
    await this.checked(STOP_SSHD);
  }

  /** Pulls the host's cables: its bridge-side ports go down, the host's own configuration stays. */
  async linkDown(): Promise<void> {
    await this.setPorts('down');
  }

  async linkUp(): Promise<void> {
    await this.setPorts('up');
  }

  private async setPorts(state: 'up' | 'down'): Promise<void> {
    for (const { netns, port } of this.ports) await runChecked('ip', ['-n', netns, 'link', 'set', port, state]);
  }

  private async checked(cmd: string): Promise<void> {
    const r = await this.exec(cmd);
    if (r.code !== 0) throw new Error(`lab host ${this.name}: ${cmd} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}
