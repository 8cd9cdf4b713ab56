import fs from 'node:fs';
import { POWER_STANDIN, scriptSource } from './layout.ts';

// A real reboot inside a lab host would take down the machine running the tests: every command
// that could power off is replaced, in the host's private root, by the lab's power stand-in,
// which simulates a reboot of that host only (scripts/power.sh, scripts/simulate-reboot.sh).

const SBIN_COMMANDS = ['reboot', 'shutdown', 'halt', 'poweroff', 'telinit'];
const BIN_COMMANDS = ['systemctl'];

/** Real directories only: on merged-/usr systems /sbin is a symlink to usr/sbin, and a directory
 * of that name in the host's upper layer would hide everything else in it. */
function realDirs(dirs: readonly string[]): string[] {
  return [...new Set(dirs.map((d) => fs.realpathSync(d)))];
}

/** Paths (inside a host) that must be links to the stand-in. */
export function powerCommandPaths(): string[] {
  return [
    ...realDirs(['/sbin', '/usr/sbin']).flatMap((dir) => SBIN_COMMANDS.map((c) => `${dir}/${c}`)),
    ...realDirs(['/bin', '/usr/bin']).flatMap((dir) => BIN_COMMANDS.map((c) => `${dir}/${c}`)),
  ];
}

interface InspectableHost {
  name: string;
  root: string;
  exec(cmd: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Throws unless, as seen from inside the host, every name and path of a power command resolves to
 * the stand-in, the stand-in is the lab's script, and commands run in the host's pid namespace
 * (whose init is the holder, so even the reboot(2) system call would end only that namespace).
 */
export async function verifyPowerStandIns(host: InspectableHost): Promise<void> {
  const candidates = [...SBIN_COMMANDS, ...BIN_COMMANDS, '/sbin/reboot', '/usr/sbin/reboot', '/bin/systemctl', '/usr/bin/systemctl'];
  const check = [
    '[ "$(cat /proc/1/comm)" = ocl-holder ] || echo "pid 1 is not the lab holder"',
    `for c in ${candidates.join(' ')}; do`,
    '  t=$(readlink -f "$(command -v "$c")")',
    `  [ "$t" = ${POWER_STANDIN} ] || echo "$c resolves to \${t:-nothing}"`,
    'done',
  ].join('\n');
  const r = await host.exec(check);
  const problems = `${r.stdout}${r.stderr}`.trim().split('\n').filter(Boolean);
  if (r.code !== 0) problems.push(`check exited ${r.code}`);
  const installed = fs.readFileSync(`${host.root}${POWER_STANDIN}`, 'utf8');
  if (installed !== fs.readFileSync(scriptSource('power'), 'utf8')) problems.push(`${POWER_STANDIN} is not the lab's stand-in`);
  if (problems.length > 0) {
    throw new Error(`lab host ${host.name}: power commands are not safely replaced, refusing to start sshd: ${problems.join('; ')}`);
  }
}
