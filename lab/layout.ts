import { fileURLToPath } from 'node:url';

/** Paths inside every lab host's private root (scripts/*.sh spell them out too). */
export const LAB_ETC = '/etc/opencloud-lab';
export const LAB_LIB = '/usr/lib/opencloud-lab';
export const HOST_KEY = `${LAB_ETC}/ssh_host_ed25519_key`;
export const SSHD_CONFIG = `${LAB_ETC}/sshd_config`;
export const NETWORK_UP = `${LAB_ETC}/network-up`;
/** Seconds a simulated reboot keeps the host down; tests may rewrite it (e.g. to make a reboot "take too long"). */
export const REBOOT_DELAY_FILE = `${LAB_ETC}/reboot-delay`;
export const DEFAULT_REBOOT_DELAY_SECONDS = 2;
export const POWER_STANDIN = `${LAB_LIB}/power`;
export const START_SSHD = `${LAB_LIB}/start-sshd`;
export const STOP_SSHD = `${LAB_LIB}/stop-sshd`;
/** The Juju stand-in's code on the Juju host (router); /usr/local/bin/juju imports it. */
export const JUJU_STANDIN_MODULE = `${LAB_LIB}/juju_standin.py`;

/** Shell scripts shipped into the hosts (lab/scripts/NAME.sh -> LAB_LIB/NAME). */
export const HOST_SCRIPTS = ['power', 'simulate-reboot', 'start-sshd', 'stop-sshd'] as const;

export function scriptSource(name: string): string {
  return fileURLToPath(new URL(`./scripts/${name}.sh`, import.meta.url));
}
