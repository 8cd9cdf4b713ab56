// The Juju host's SSH key: Juju 1.x's own client key, `$JUJU_HOME/ssh/juju_id_rsa` (JUJU_HOME
// defaults to ~/.juju). Juju passes it to every `ssh` it runs (manual provider add-machine,
// bootstrap, `juju run`), so authorizing its public half on a machine is what lets Juju log in.
// Juju would generate it itself on first use; generating it beforehand (RSA, PEM, as Juju 1.x
// writes and reads it) lets us authorize it on the machines before the first `juju` command.
import type { HostSession } from '../host.ts';

/** Relative to the Juju user's home. */
export const JUJU_SSH_KEY = '.juju/ssh/juju_id_rsa';

/**
 * The Juju user's known_hosts, relative to its home: the file Juju 1.x's `ssh` reads (it passes no
 * UserKnownHostsFile, utils/ssh/ssh_openssh.go), and the one the login check verifies nodes against.
 */
export const JUJU_KNOWN_HOSTS = '.ssh/known_hosts';

/** The Juju user's home on the Juju host (read-only). */
export async function homeDirectory(session: HostSession): Promise<string> {
  const home = (await session.run({ script: 'printf %s "$HOME"' }, { readOnly: true })).trim();
  if (!home.startsWith('/')) throw new Error(`${session.host.name}: cannot find the home directory of ${session.host.user}`);
  return home;
}

/** Absolute path of the private key on the Juju host. */
export async function jujuSshKeyPath(session: HostSession): Promise<string> {
  return `${await homeDirectory(session)}/${JUJU_SSH_KEY}`;
}

/** `TYPE BLOB` of the Juju host's public key, or null while it has none. */
export async function readJujuPublicKey(session: HostSession): Promise<string | null> {
  const text = await session.readFile(`${await jujuSshKeyPath(session)}.pub`, { sudo: false });
  return text === null ? null : publicKeyIdentity(text);
}

/** `TYPE BLOB` of a public key line (options and comment left out), or null when it is none. */
export function publicKeyIdentity(line: string): string | null {
  const m = /(?:^|\s)((?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com)\s+[A-Za-z0-9+/]+=*)(?:\s|$)/.exec(line.trim());
  return m ? m[1]!.replace(/\s+/, ' ') : null;
}
