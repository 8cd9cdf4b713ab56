// A compute node's real hardware, read in one round trip: CPU, memory, disks, NICs with link
// speed and addresses, OS release. The script is constant; parsing is pure (and unit-tested).
import type { HostSession } from '../host.ts';
import { parseOsRelease, type OsRelease } from './os-release.ts';

export interface NicFacts {
  readonly name: string;
  /** Link speed from /sys/class/net/NAME/speed; undefined when the kernel cannot tell (link down). */
  readonly speedMbps?: number;
  /** IPv4 and global IPv6 addresses configured on it (without prefix length). */
  readonly addresses: readonly string[];
}

export interface HardwareFacts {
  readonly cpuCores: number;
  /** `uname -m`, e.g. x86_64. */
  readonly arch: string;
  /** MemTotal: what the kernel can use, a little below the installed memory. */
  readonly memoryGiB: number;
  /** Sum of the whole disks (no partitions, loop, RAM or device-mapper devices). */
  readonly diskTiB: number;
  readonly disks: readonly { name: string; bytes: number }[];
  /** Network interfaces except loopback and bridges, in name order. */
  readonly nics: readonly NicFacts[];
  readonly os: OsRelease;
}

// Each section starts with `== NAME`. /sys/block lists whole disks only; `size` is in 512-byte sectors.
const FACTS_SCRIPT = [
  'echo "== cpu"; grep -c "^processor" /proc/cpuinfo; uname -m',
  'echo "== memory"; grep "^MemTotal:" /proc/meminfo',
  'echo "== disks"; for d in /sys/block/*; do [ -r "$d/size" ] && echo "${d##*/} $(cat "$d/size")"; done',
  'echo "== nics"',
  'for n in /sys/class/net/*; do',
  '  [ -d "$n/bridge" ] && continue',
  '  echo "${n##*/} $(cat "$n/speed" 2>/dev/null || echo -1)"',
  'done',
  'echo "== addresses"; ip -o addr show 2>/dev/null',
  'echo "== os"; cat /etc/os-release 2>/dev/null',
  'exit 0',
].join('\n');

/** Devices that are not disks of their own: loop, RAM disks, zram, optical, floppy, device-mapper, md. */
const NOT_A_DISK = /^(loop|ram|zram|sr|fd|dm-|md|nbd)/;

export async function readHardwareFacts(session: HostSession): Promise<HardwareFacts> {
  return parseHardwareFacts(await session.run({ script: FACTS_SCRIPT }, { readOnly: true }));
}

export function parseHardwareFacts(text: string): HardwareFacts {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^== (\w+)$/.exec(line);
    if (m) sections.set(m[1]!, (current = []));
    else if (current && line.trim() !== '') current.push(line);
  }
  const section = (name: string) => sections.get(name) ?? [];

  const [cores = '0', arch = ''] = section('cpu');
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(section('memory')[0] ?? '')?.[1] ?? 0);
  const disks = section('disks')
    .map((l) => l.trim().split(/\s+/))
    .filter(([name, sectors]) => name && !NOT_A_DISK.test(name) && Number(sectors) > 0)
    .map(([name, sectors]) => ({ name: name!, bytes: Number(sectors) * 512 }));
  const addresses = new Map<string, string[]>();
  for (const line of section('addresses')) {
    // `2: eth0    inet 198.51.100.11/24 brd ... scope global eth0` ; skip link-local IPv6.
    const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+([0-9a-fA-F.:]+)\/\d+.*?scope (\w+)/.exec(line);
    if (!m || (m[2] === 'inet6' && m[4] !== 'global')) continue;
    addresses.set(m[1]!, [...(addresses.get(m[1]!) ?? []), m[3]!]);
  }
  const nics = section('nics')
    .map((l) => l.trim().split(/\s+/))
    .filter(([name]) => name && name !== 'lo')
    .map(([name, speed]): NicFacts => {
      const mbps = Number(speed);
      return { name: name!, ...(Number.isFinite(mbps) && mbps > 0 ? { speedMbps: mbps } : {}), addresses: addresses.get(name!) ?? [] };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return {
    cpuCores: Number(cores) || 0,
    arch: arch.trim(),
    memoryGiB: memKiB / 1024 / 1024,
    diskTiB: disks.reduce((sum, d) => sum + d.bytes, 0) / 1024 ** 4,
    disks,
    nics,
    os: parseOsRelease(section('os').join('\n')),
  };
}
