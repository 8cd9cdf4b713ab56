import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REQUIRED_COMMANDS = ['ip', 'unshare', 'nsenter', 'chroot', 'setsid', 'perl', 'sshd', 'ssh', 'ssh-keygen'];

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .concat('/usr/sbin', '/sbin')
    .some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** Whether the current network namespace has a default route (IPv4 or IPv6). */
function hasDefaultRoute(): boolean {
  return ['-4', '-6'].some((family) => {
    const r = spawnSync('ip', [family, 'route', 'show', 'default'], { encoding: 'utf8' });
    return r.status !== 0 || r.stdout.trim() !== '';
  });
}

/**
 * Whether startLab can run here: as root, inside the isolated network namespace test/isolated.sh
 * creates (OPENCLOUD_ISOLATED=1 and no default route, so nothing but lab hosts is reachable), with
 * the tools the lab uses.
 */
export function labAvailable(): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'the lab needs Linux network namespaces' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the lab needs root (network namespaces, mounts)' };
  const missing = REQUIRED_COMMANDS.filter((c) => !onPath(c));
  if (missing.length > 0) return { ok: false, reason: `missing commands: ${missing.join(', ')}` };
  if (!/\boverlay\b/.test(fs.readFileSync('/proc/filesystems', 'utf8'))) return { ok: false, reason: 'the kernel has no overlay filesystem' };
  if (process.env.OPENCLOUD_ISOLATED !== '1') {
    return { ok: false, reason: 'not in an isolated network namespace: run the tests through test/isolated.sh' };
  }
  if (hasDefaultRoute()) return { ok: false, reason: 'this network namespace has a default route: it is not isolated' };
  return { ok: true };
}

const HOW_TO_RUN =
  'run them as root through `npm test` (test/isolated.sh) with Debian\'s openssh-server, iptables and iproute2 installed (.ci/run installs them)';
const said = new Set<string>();

export interface SkipLabOptions {
  /** @default labAvailable */
  readonly availability?: () => { ok: boolean; reason?: string };
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the skip line goes. @default standard error */
  readonly write?: (line: string) => void;
  /** Reasons already told. @default one set per test process */
  readonly once?: Set<string>;
}

/**
 * Lab tests skip when the lab is unavailable, saying once why and how to run them (a silent skip
 * looks like a pass); in CI they must run, and so fail.
 */
export function skipLabTests(options: SkipLabOptions = {}): boolean {
  const { ok, reason } = (options.availability ?? labAvailable)();
  if (ok || (options.env ?? process.env).CI) return false;
  const once = options.once ?? said;
  const line = `lab tests skipped: ${reason}; ${HOW_TO_RUN}\n`;
  if (!once.has(line)) {
    once.add(line);
    (options.write ?? ((l: string) => process.stderr.write(l)))(line);
  }
  return true;
}
