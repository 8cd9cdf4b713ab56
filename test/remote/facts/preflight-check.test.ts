// Preflight's facts parsing and its judgement: needed / declared / measured, every reason at once.
import { describe, expect, it } from 'vitest';
import { parseHardwareFacts, type HardwareFacts } from '../../../src/remote/facts/hardware.ts';
import { parseOsRelease } from '../../../src/remote/facts/os-release.ts';
import { formatPreflightTable, judgeNode } from '../../../src/remote/facts/preflight-check.ts';
import { HARDWARE_MINIMUMS } from '../../../src/inventory/reference.ts';
import type { ComputeNode } from '../../../src/inventory/model.ts';

const TRUSTY_OS = `NAME="Ubuntu"
VERSION="14.04.6 LTS, Trusty Tahr"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 14.04.6 LTS"
VERSION_ID="14.04"
`;

/** What the facts script prints on a server that meets the guide's minimums. */
const BIG_SERVER = [
  '== cpu',
  '24',
  'x86_64',
  '== memory',
  'MemTotal:       98833176 kB',
  '== disks',
  'loop0 0',
  'sda 7814037168', // 4 TB = 3.64 TiB
  'sr0 2097151',
  'zram0 8388608',
  '== nics',
  'eth0 1000',
  'eth1 1000',
  'lo -1',
  '== addresses',
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet 198.51.100.31/24 brd 198.51.100.255 scope global eth0\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet6 fe80::5054:ff:fe12:3456/64 scope link \\       valid_lft forever preferred_lft forever',
  '== os',
  TRUSTY_OS,
].join('\n');

const node: ComputeNode = {
  name: 'node-1',
  publicIp: '198.51.100.31',
  hardware: { cpuCores: 24, arch: 'x86_64', memoryGiB: 96, diskTiB: 3.6, nics: [ { name: 'eth0', speedMbps: 1000 }, { name: 'eth1', speedMbps: 1000 } ] },
};
const trusty = { series: 'trusty', release: '14.04' };

describe('parseHardwareFacts', () => {
  it('reads cores, memory, whole disks only, NICs with speed and addresses, the OS', () => {
    const f = parseHardwareFacts(BIG_SERVER);
    expect(f.disks.map((d) => d.name)).toEqual(['sda']);
    expect(f.cpuCores).toBe(24);
    expect(f.arch).toBe('x86_64');
    expect(f.memoryGiB).toBeCloseTo(94.25, 2);
    expect(f.disks).toEqual([{ name: 'sda', bytes: 7814037168 * 512 }]);
    expect(f.diskTiB).toBeCloseTo(3.64, 2); // a 4 TB disk
    expect(f.nics).toEqual([
      { name: 'eth0', speedMbps: 1000, addresses: ['198.51.100.31'] },
      { name: 'eth1', speedMbps: 1000, addresses: [] },
    ]);
    expect(f.os).toEqual({ id: 'ubuntu', versionId: '14.04', codename: '', prettyName: 'Ubuntu 14.04.6 LTS' });
  });

  it('an unknown link speed (-1, link down) is left undefined', () => {
    const f = parseHardwareFacts('== nics\neth0 10000\neth1 -1\n== addresses\n3: eth1@if7    inet 10.0.0.1/24 scope global eth1\n');
    expect(f.nics).toEqual([
      { name: 'eth0', speedMbps: 10000, addresses: [] },
      { name: 'eth1', addresses: ['10.0.0.1'] },
    ]);
  });

  it('os-release: quoted and bare values, codename', () => {
    expect(parseOsRelease('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toEqual({
      id: 'debian',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
  });
});

describe('judgeNode', () => {
  const facts = (over: Partial<HardwareFacts> = {}): HardwareFacts => ({ ...parseHardwareFacts(BIG_SERVER), diskTiB: 3.64, ...over });

  it('passes a server that meets the minimums and its declaration', () => {
    const v = judgeNode(node, HARDWARE_MINIMUMS, trusty, facts());
    expect(v.reasons).toEqual([]);
    expect(v.rows.every((r) => r.ok)).toBe(true);
    expect(v.rows.map((r) => r.item)).toEqual(['CPU cores', 'CPU architecture', 'memory', 'disk', 'NICs', 'NIC1 eth0', 'NIC2 eth1', 'OS']);
  });

  it('tolerates MemTotal below the installed memory and a "3 TB" disk', () => {
    const v = judgeNode(
      { ...node, hardware: { ...node.hardware, memoryGiB: 48, diskTiB: 3 } },
      HARDWARE_MINIMUMS,
      trusty,
      facts({ memoryGiB: 47.1, diskTiB: 2.73 }),
    );
    expect(v.reasons).toEqual([]);
  });

  it('fails a small server with every reason at once', () => {
    const small = parseHardwareFacts(
      [
        '== cpu', '2', 'aarch64',
        '== memory', 'MemTotal: 8000000 kB',
        '== disks', 'vda 536870912',
        '== nics', 'eth0 100', 'eth1 1000',
        '== addresses', '2: eth1    inet 198.51.100.31/24 scope global eth1', '3: eth0    inet 10.1.1.1/24 scope global eth0',
        '== os', 'ID=debian', 'VERSION_ID="12"', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      ].join('\n'),
    );
    const v = judgeNode(node, HARDWARE_MINIMUMS, trusty, small);
    expect(v.reasons).toEqual([
      '2 CPU cores, below the minimum of 12',
      '2 CPU cores, fewer than the 24 declared',
      'architecture aarch64, not the required x86_64',
      '7.63 GiB of memory, below the minimum of 48 GiB',
      '7.63 GiB of memory, less than the 96 GiB declared',
      '0.25 TiB of disk, below the minimum of 3 TiB',
      '0.25 TiB of disk, less than the 3.6 TiB declared',
      'NIC1 eth0 at 100 Mbps, below the minimum of 1000 Mbps',
      'public IP 198.51.100.31 is on eth1, not on NIC1 eth0',
      'NIC2 eth1 must be left unconfigured but has 198.51.100.31',
      'OS is Debian GNU/Linux 12 (bookworm), not Ubuntu 14.04 (trusty) (ubuntuSeries trusty)',
    ]);
    expect(v.rows.filter((r) => !r.ok).map((r) => r.item)).toEqual(['CPU cores', 'CPU architecture', 'memory', 'disk', 'NIC1 eth0', 'NIC2 eth1', 'OS']);
  });

  it('a missing declared NIC and too few NICs', () => {
    const one = facts({ nics: [{ name: 'eth0', speedMbps: 1000, addresses: ['198.51.100.31'] }] });
    expect(judgeNode(node, HARDWARE_MINIMUMS, trusty, one).reasons).toEqual([
      '1 NIC(s), below the minimum of 2',
      '1 NIC(s), fewer than the 2 declared',
      'NIC2 eth1 does not exist (the node has eth0)',
    ]);
  });

  it('lowered minimums (a lab) pass a small host', () => {
    const labMin = { cpuCores: 1, arch: 'x86_64', memoryGiB: 0.5, diskTiB: 0.01, nics: 1, nicSpeedMbps: 1000 };
    const labNode: ComputeNode = { name: 'compute-1', publicIp: '198.51.100.11', hardware: { cpuCores: 1, arch: 'x86_64', memoryGiB: 0.5, diskTiB: 0.01, nics: [{ name: 'eth0', speedMbps: 10000 }] } };
    const lab = facts({ cpuCores: 2, memoryGiB: 23, diskTiB: 0.25, nics: [{ name: 'eth0', speedMbps: 10000, addresses: ['198.51.100.11'] }] });
    expect(judgeNode(labNode, labMin, trusty, lab).reasons).toEqual([]);
  });
});

describe('formatPreflightTable', () => {
  it('prints needed / declared / measured per item, aligned, with a verdict line', () => {
    const twoTB = BIG_SERVER.replace('sda 7814037168', 'sda 3907029168');
    const lines = formatPreflightTable('node-1', judgeNode(node, HARDWARE_MINIMUMS, trusty, parseHardwareFacts(twoTB)));
    expect(lines[0]).toBe('node-1: 2 problem(s)'); // 1.82 TiB measured against 3 TiB (and 3.6 declared): one row, two reasons
    expect(lines[1]).toMatch(/^ +needed +declared +measured$/);
    expect(lines).toContainEqual(expect.stringMatching(/^disk +>= 3 TiB +3\.6 TiB +1\.82 TiB \(sda\) +FAIL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^NIC2 eth1 +>= 1000 Mbps, unconfigured +1000 Mbps +1000 Mbps, no address +ok$/));
    // Columns line up: every row's "declared" column starts where the header's does.
    const at = lines[1]!.indexOf('declared');
    expect(lines.slice(2).every((l) => l[at - 1] === ' ' && l[at - 2] === ' ')).toBe(true);
  });
});
