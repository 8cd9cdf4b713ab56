import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostKeyAlias } from '../src/remote/cluster-hosts.ts';
import { labAvailable } from './availability.ts';
import { onExitOrSignal, removeLeftovers, teardownRun } from './cleanup.ts';
import { NamespaceHost, startHolder } from './host.ts';
import { seedHost } from './hostfs.ts';
import { generateKey } from './keys.ts';
import { RunNames } from './names.ts';
import { bridgePorts, createNetwork } from './network.ts';
import type { RunResult } from './proc.ts';
import { verifyPowerStandIns } from './reboot.ts';
import { OPERATOR_IP, planHosts, type Role, type TopologyOptions } from './topology.ts';

export { labAvailable, skipLabTests } from './availability.ts';
export { DEFAULT_REBOOT_DELAY_SECONDS, REBOOT_DELAY_FILE } from './layout.ts';

export type LabOptions = TopologyOptions;

export interface LabHost {
  name: string;
  role: Role;
  /** Public address for router/compute/client, management address for service VMs. */
  ip: string;
  /** Router only: 192.168.100.10. */
  managementIp?: string;
  /** Every address of the host (the router has two). */
  ips: string[];
  /** 'SHA256:...' exactly as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** 'ssh-ed25519 AAAA...' */
  hostKeyLine: string;
  /** The host's private root as seen from outside (for assertions); valid while the lab runs. */
  root: string;
  /** Runs `sh -c cmd` as root inside the host (its namespaces, its private root), not via SSH. */
  exec(cmd: string, opts?: { input?: string }): Promise<RunResult>;
  stopSshd(): Promise<void>;
  startSshd(): Promise<void>;
  /** Cuts the host's network link(s), as if unplugged; linkUp plugs them back. */
  linkDown(): Promise<void>;
  linkUp(): Promise<void>;
}

export interface Lab {
  hosts: LabHost[];
  host(name: string): LabHost;
  router: LabHost;
  computeNodes: LabHost[];
  serviceVms: LabHost[];
  /** 198.51.100.1: the test process itself on the public network. */
  operatorIp: string;
  /** Operator key (ed25519, no passphrase), authorized for root on every host. */
  privateKeyFile: string;
  /** OpenSSH known_hosts with every host's key under its IP(s). */
  knownHostsFile: string;
  /** OpenSSH client config (root, operator key, the lab's known_hosts, strict, batch): `ssh -F` it;
   * unlike -i and -o options, -F also applies to `-J` jump connections. */
  sshConfigFile: string;
  /** The lab's temp directory. */
  dir: string;
  /** Idempotent full teardown. */
  stop(): Promise<void>;
}

const JUJU_STANDIN = fileURLToPath(new URL('./juju/juju', import.meta.url));

let active = false;

/**
 * The lab's known_hosts for one managed cluster: every host under its address(es), and the service
 * VMs also under the alias the bootstrap knows them by behind the router (`<cluster>.<vm>`).
 */
export function clusterKnownHosts(lab: Lab, cluster: string): string {
  return fs.readFileSync(lab.knownHostsFile, 'utf8') + lab.serviceVms.map((h) => `${hostKeyAlias(cluster, h.name)} ${h.hostKeyLine}\n`).join('');
}

/** Builds the lab: every host is up, its sshd listening, when this resolves. */
export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const availability = labAvailable();
  if (!availability.ok) throw new Error(`startLab refused: ${availability.reason}`);
  if (active) throw new Error('startLab: a lab is already active in this process; stop() it first');
  const specs = planHosts(opts);
  active = true;

  const run = RunNames.fresh();
  let stopped = false;
  const teardown = () => {
    if (stopped) return;
    stopped = true;
    unregister();
    try {
      teardownRun(run);
    } finally {
      active = false;
    }
  };
  const unregister = onExitOrSignal(teardown);

  try {
    removeLeftovers();
    fs.mkdirSync(run.dir, { mode: 0o700 });
    const operator = await generateKey(path.join(run.dir, 'id_ed25519'), 'opencloud-lab-operator');
    const juju = fs.existsSync(JUJU_STANDIN) ? JUJU_STANDIN : undefined;
    const hostsDir = path.join(run.dir, 'hosts');
    const [seeds] = await settled([
      settled(
        specs.map((spec) =>
          seedHost(hostsDir, spec, { operatorPublicKey: operator.publicKeyLine, ...(spec.role === 'router' && juju ? { juju } : {}) }),
        ),
      ),
      createNetwork(run, specs),
    ]);

    const hosts = await settled(
      specs.map(async (spec, i) => {
        const seeded = seeds[i]!;
        const holderPid = await startHolder(run.hostNetns(spec.name), seeded.dir, spec.name);
        const host = new NamespaceHost({ spec, seeded, holderPid, ports: bridgePorts(run, spec, i + 1) });
        await verifyPowerStandIns(host);
        await host.startSshd();
        return host;
      }),
    );

    const knownHostsFile = path.join(run.dir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, hosts.map((h) => `${h.ips.join(',')} ${h.hostKeyLine}\n`).join(''));
    const sshConfigFile = path.join(run.dir, 'ssh_config');
    fs.writeFileSync(sshConfigFile, sshClientConfig(operator.privateKeyFile, knownHostsFile));

    const byName = new Map(hosts.map((h) => [h.name, h]));
    return {
      hosts,
      host(name) {
        const h = byName.get(name);
        if (!h) throw new Error(`lab: no host named ${name} (hosts: ${[...byName.keys()].join(', ')})`);
        return h;
      },
      router: byName.get('router')!,
      computeNodes: hosts.filter((h) => h.role === 'compute'),
      serviceVms: hosts.filter((h) => h.role === 'service'),
      operatorIp: OPERATOR_IP,
      privateKeyFile: operator.privateKeyFile,
      knownHostsFile,
      sshConfigFile,
      dir: run.dir,
      stop: async () => teardown(),
    };
  } catch (e) {
    teardown();
    throw e;
  }
}

/**
 * Like Promise.all, but waits for every promise before throwing the first failure: a teardown
 * must not run while other steps are still creating namespaces or hosts.
 */
async function settled<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function sshClientConfig(keyFile: string, knownHostsFile: string): string {
  return [
    'Host *',
    '  User root',
    `  IdentityFile ${keyFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHostsFile}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  ConnectTimeout 5',
    '  LogLevel ERROR',
    '',
  ].join('\n');
}
