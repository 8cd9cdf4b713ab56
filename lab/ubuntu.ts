// The lab hosts are Debian; preflight reads the OS from /etc/os-release and the compute steps pick
// packages by series. Lab inventories say `ubuntuSeries: noble`, and the hosts that must pass
// preflight say so too, in their private roots only.
import { must } from './host-commands.ts';
import type { LabHost } from './lab.ts';

export const LAB_SERIES = 'noble';

export const UBUNTU_NOBLE_OS_RELEASE = [
  'PRETTY_NAME="Ubuntu 24.04.1 LTS"',
  'NAME="Ubuntu"',
  'VERSION_ID="24.04"',
  'VERSION="24.04.1 LTS (Noble Numbat)"',
  'VERSION_CODENAME=noble',
  'ID=ubuntu',
  'ID_LIKE=debian',
  'UBUNTU_CODENAME=noble',
  '',
].join('\n');

export async function pretendUbuntu(hosts: readonly LabHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => must(h, 'rm -f /etc/os-release && cat > /etc/os-release', UBUNTU_NOBLE_OS_RELEASE)));
}
