// How a compute node's chain (node-ruleset.ts) survives a reboot: compute-config reboots nodes,
// and a booted kernel starts with empty tables. The chain's script is installed on the node and
// the node's init system runs it at boot, before the network comes up: a systemd unit ordered like
// netfilter-persistent's (Before=network-pre.target), or on trusty, whose init is Upstart, a task
// started like trusty's ufw job (`starting networking`/`network-interface`; it may run more than
// once, which the script allows). Only our chain is restored: a tool that saves every table
// (iptables-persistent) would also bring back nova's and neutron's rules from before the reboot.

/** The script that puts the chain in place (also what a boot runs). */
export const NODE_SCRIPT_PATH = '/usr/local/sbin/opencloud-node-nat';
export const SYSTEMD_UNIT_PATH = '/etc/systemd/system/opencloud-node-nat.service';
/** What `systemctl enable` creates for WantedBy=multi-user.target. */
export const SYSTEMD_ENABLE_LINK = '/etc/systemd/system/multi-user.target.wants/opencloud-node-nat.service';
export const UPSTART_JOB_PATH = '/etc/init/opencloud-node-nat.conf';

/** Series that boot with Upstart rather than systemd. */
const UPSTART_SERIES = new Set(['trusty']);

export interface BootFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface NodeBoot {
  readonly files: readonly BootFile[];
  /** Symbolic links (path -> target) that enable the job; none for Upstart. */
  readonly links: readonly { readonly path: string; readonly target: string }[];
}

const DESCRIPTION = "opencloud-provisioner: this compute node's traffic for the management network goes to the router";

/** The files (and links) that make the node run `script` at every boot. */
export function nodeBoot(ubuntuSeries: string, script: string): NodeBoot {
  const scriptFile: BootFile = { path: NODE_SCRIPT_PATH, content: script, mode: 0o755 };
  if (UPSTART_SERIES.has(ubuntuSeries)) {
    const job = [
      `description "${DESCRIPTION}"`,
      'start on (starting network-interface or starting network-manager or starting networking)',
      'task',
      `exec ${NODE_SCRIPT_PATH}`,
      '',
    ].join('\n');
    return { files: [scriptFile, { path: UPSTART_JOB_PATH, content: job, mode: 0o644 }], links: [] };
  }
  const unit = [
    '[Unit]',
    `Description=${DESCRIPTION}`,
    'DefaultDependencies=no',
    'Wants=network-pre.target local-fs.target',
    'After=local-fs.target',
    'Before=network-pre.target shutdown.target',
    'Conflicts=shutdown.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=${NODE_SCRIPT_PATH}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return {
    files: [scriptFile, { path: SYSTEMD_UNIT_PATH, content: unit, mode: 0o644 }],
    links: [{ path: SYSTEMD_ENABLE_LINK, target: SYSTEMD_UNIT_PATH }],
  };
}
