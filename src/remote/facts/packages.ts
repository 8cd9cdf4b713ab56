// The Ubuntu packages steps need, and the one reader of which are missing and the one installer.
// A package with commands counts as present when those commands are on root's PATH: that is what
// the steps rely on, and it also holds where a command comes from elsewhere (a Juju from a PPA,
// the lab's stand-in `juju`). A package without commands (a library) counts as present when dpkg
// has it installed. Only what is missing is installed, so a provisioned host never runs apt.
import type { HostSession } from '../host.ts';

export interface RequiredPackage {
  /** Ubuntu package name. */
  readonly name: string;
  /** Commands the steps run from it. @default - none: dpkg's status decides */
  readonly commands?: readonly string[];
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

/** Series whose Python 2 is the default (Juju 1.x's charm helpers import `yaml` from it). */
const PYTHON2_SERIES = new Set(['trusty', 'xenial']);

/** python-yaml, which Juju's charm helpers need: Python 2's on trusty/xenial, Python 3's later. */
export function computePackages(ubuntuSeries: string): RequiredPackage[] {
  return [{ name: PYTHON2_SERIES.has(ubuntuSeries) ? 'python-yaml' : 'python3-yaml' }];
}

/** The names of the packages that are missing, in the given order (read-only). */
export async function missingPackages(session: HostSession, packages: readonly RequiredPackage[]): Promise<string[]> {
  const byCommand = packages.filter((p) => p.commands?.length);
  const byDpkg = packages.filter((p) => !p.commands?.length).map((p) => p.name);
  const missing = new Set([...(await missingCommands(session, byCommand.flatMap((p) => p.commands!))), ...(await notInstalled(session, byDpkg))]);
  return packages.filter((p) => (p.commands?.length ? p.commands.some((c) => missing.has(c)) : missing.has(p.name))).map((p) => p.name);
}

// Prints each argument that is not a command on PATH, one a line.
const MISSING_COMMANDS_SCRIPT = 'for c in "$@"; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done';

async function missingCommands(session: HostSession, commands: readonly string[]): Promise<string[]> {
  if (commands.length === 0) return [];
  const out = await session.run({ script: MISSING_COMMANDS_SCRIPT, args: [...commands] }, { sudo: true, readOnly: true });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The packages dpkg does not have installed (`install ok installed`). */
async function notInstalled(session: HostSession, packages: readonly string[]): Promise<string[]> {
  if (packages.length === 0) return [];
  // dpkg-query exits 1 when a package is unknown, but still prints the status of the others.
  const result = await session.exec(['dpkg-query', '-W', '-f=${Package} ${Status}\\n', '--', ...packages], { readOnly: true });
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`dpkg-query failed on ${session.host.name} (exit ${result.code}): ${result.stderr.trim()}`);
  }
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 4 && f.slice(1).join(' ') === 'install ok installed')
      .map((f) => f[0]!.split(':')[0]!),
  );
  return packages.filter((p) => !installed.has(p));
}

const INSTALL_SCRIPT = 'set -e\nexport DEBIAN_FRONTEND=noninteractive\napt-get update -q\napt-get install -y -q --no-install-recommends -- "$@"';

/** Installs the packages (nothing when the list is empty), after refreshing the package lists. */
export async function installPackages(session: HostSession, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await session.run({ script: INSTALL_SCRIPT, args: [...names] }, { sudo: true, timeoutMs: 15 * 60_000 });
}
