// Packages a compute node needs from the OpenCloud compute configuration, derived from the Ubuntu
// series in this one place, and the dpkg check for them.
import type { HostSession } from '../host.ts';

/** Series whose Python 2 is the default (Juju 1.x's charm helpers import `yaml` from it). */
const PYTHON2_SERIES = new Set(['trusty', 'xenial']);

/** python-yaml, which Juju's charm helpers need: Python 2's on trusty/xenial, Python 3's later. */
export function computePackages(ubuntuSeries: string): string[] {
  return [PYTHON2_SERIES.has(ubuntuSeries) ? 'python-yaml' : 'python3-yaml'];
}

/** The packages dpkg does not have installed (`install ok installed`), in the given order. */
export async function missingPackages(session: HostSession, packages: readonly string[]): Promise<string[]> {
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
