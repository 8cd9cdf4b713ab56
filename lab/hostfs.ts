import fs from 'node:fs';
import path from 'node:path';
import { generateKey, type KeyPair } from './keys.ts';
import {
  DEFAULT_REBOOT_DELAY_SECONDS,
  HOST_KEY,
  HOST_SCRIPTS,
  JUJU_STANDIN_MODULE,
  LAB_LIB,
  NETWORK_UP,
  POWER_STANDIN,
  REBOOT_DELAY_FILE,
  scriptSource,
  SSHD_CONFIG,
} from './layout.ts';
import { networkUpScript } from './network.ts';
import { powerCommandPaths } from './reboot.ts';
import { sshdConfig } from './sshd.ts';
import type { HostSpec } from './topology.ts';

export interface SeedOptions {
  operatorPublicKey: string;
  /** A file to install as /usr/local/bin/juju (router only). */
  juju?: string;
}

export interface SeededHost {
  /**
   * The host's directory outside. In it, `upper` and `work` are its overlay's layers over the
   * real /, `root` the mount point of its private root (populated only inside the host's mount
   * namespace) and `home` its private /root.
   */
  dir: string;
  hostKey: KeyPair;
}

/**
 * Writes the host's files into its overlay's upper layer before the overlay is mounted: what
 * differs from the real machine is exactly what is in there (plus its private /root).
 */
export async function seedHost(hostsDir: string, spec: HostSpec, opts: SeedOptions): Promise<SeededHost> {
  const dir = path.join(hostsDir, spec.name);
  const home = path.join(dir, 'home');
  for (const d of ['upper', 'work', 'root', 'home/.ssh']) fs.mkdirSync(path.join(dir, d), { recursive: true, mode: 0o755 });
  fs.chmodSync(home, 0o700);
  fs.chmodSync(path.join(home, '.ssh'), 0o700);

  const inUpper = (p: string) => path.join(dir, 'upper', p);
  const write = (p: string, content: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o755 });
    fs.writeFileSync(p, content, { mode });
  };

  write(inUpper('/etc/hostname'), `${spec.name}\n`);
  write(inUpper('/etc/hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${spec.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  write(inUpper(SSHD_CONFIG), sshdConfig(spec.nics.map((n) => n.ip)));
  write(inUpper(NETWORK_UP), networkUpScript(spec), 0o755);
  write(inUpper(REBOOT_DELAY_FILE), `${DEFAULT_REBOOT_DELAY_SECONDS}\n`);
  for (const name of HOST_SCRIPTS) write(inUpper(`${LAB_LIB}/${name}`), fs.readFileSync(scriptSource(name), 'utf8'), 0o755);
  for (const p of powerCommandPaths()) {
    fs.mkdirSync(path.dirname(inUpper(p)), { recursive: true, mode: 0o755 });
    fs.symlinkSync(POWER_STANDIN, inUpper(p));
  }
  if (opts.juju) {
    // Installed as a module behind a small launcher, so Python keeps its compiled form
    // (__pycache__) instead of compiling 1,400 lines at every call, on the cores every host shares.
    write(inUpper(JUJU_STANDIN_MODULE), fs.readFileSync(opts.juju, 'utf8'), 0o644);
    write(inUpper('/usr/local/bin/juju'), jujuLauncher(), 0o755);
  }

  // Debian's bash reads ~/.bashrc for every `ssh host cmd`: keep it tiny.
  write(path.join(home, '.bashrc'), '# opencloud lab host\n');
  write(path.join(home, '.ssh/authorized_keys'), `${opts.operatorPublicKey}\n`, 0o600);

  // No host has an SSH client key of its own: on the Juju host, what logs in is Juju's key set
  // (~/.juju/ssh/juju_id_rsa, made by its first `juju` command), and no other key may stand in for
  // it, so the lab proves what Juju itself would do.
  const hostKey = await generateKey(inUpper(HOST_KEY), `root@${spec.name}`);
  return { dir, hostKey };
}

/** `juju` on the lab's Juju host: runs the stand-in's main() from JUJU_STANDIN_MODULE. */
export function jujuLauncher(): string {
  return [
    '#!/usr/bin/env python3',
    '# The Juju stand-in (lab/juju/juju), imported from the lab library.',
    'import sys',
    '# Keep the compiled form even when the environment asks not to (PYTHONDONTWRITEBYTECODE).',
    'sys.dont_write_bytecode = False',
    `sys.path.insert(0, ${JSON.stringify(path.posix.dirname(JUJU_STANDIN_MODULE))})`,
    `from ${path.posix.basename(JUJU_STANDIN_MODULE, '.py')} import main`,
    'sys.exit(main(sys.argv[1:]))',
    '',
  ].join('\n');
}
