// The packages the Juju/router VM needs, in one place. A package counts as present when the
// commands we use from it are on root's PATH: that is what the steps rely on, and it also holds
// where a command comes from elsewhere (a Juju from a PPA, the lab's stand-in `juju`). Only what
// is missing is installed, so a provisioned VM never runs apt at all.
import type { HostSession } from '../host.ts';

export interface RequiredPackage {
  /** Ubuntu package name. */
  readonly name: string;
  /** Commands the steps run from it. */
  readonly commands: readonly string[];
}

/** Juju 1.x (trusty's juju-core is 1.25) and the SSH tools Juju's manual provider drives. */
export const JUJU_PACKAGES: readonly RequiredPackage[] = [
  { name: 'juju-core', commands: ['juju'] },
  { name: 'openssh-client', commands: ['ssh', 'ssh-keygen'] },
];

/** What the router step runs. */
export const ROUTER_PACKAGES: readonly RequiredPackage[] = [
  { name: 'iptables', commands: ['iptables-save', 'iptables-restore'] },
  { name: 'iproute2', commands: ['ip'] },
  { name: 'procps', commands: ['sysctl'] },
];

// Prints each argument that is not a command on PATH, one a line.
const MISSING_COMMANDS_SCRIPT = 'for c in "$@"; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done';

/** The packages some of whose commands are missing (read-only). */
export async function missingPackages(session: HostSession, packages: readonly RequiredPackage[]): Promise<string[]> {
  const commands = packages.flatMap((p) => p.commands);
  const out = await session.run({ script: MISSING_COMMANDS_SCRIPT, args: commands }, { sudo: true, readOnly: true });
  const missing = new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
  return packages.filter((p) => p.commands.some((c) => missing.has(c))).map((p) => p.name);
}

const INSTALL_SCRIPT = 'set -e\nexport DEBIAN_FRONTEND=noninteractive\napt-get update -q\napt-get install -y -q --no-install-recommends -- "$@"';

export async function installPackages(session: HostSession, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await session.run({ script: INSTALL_SCRIPT, args: [...names] }, { sudo: true, timeoutMs: 15 * 60_000 });
}
