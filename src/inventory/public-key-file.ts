// controller.publicKeyFile: the OpenSSH public key the stack turns into the cluster's EC2 key pair.
// Read when the inventory is checked and again at synthesis, so validate refuses what synthesis would.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

const PUBLIC_KEY = /^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( [^\n]*)?$/;

/** The one-line OpenSSH public key in `file` (`~/` allowed), or why there is none. */
export function readPublicKey(file: string): { key: string } | { problem: string } {
  const path = file.replace(/^~(?=\/)/, homedir());
  let key: string;
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (err) {
    return { problem: `cannot be read (${file}): ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  return PUBLIC_KEY.test(key) ? { key } : { problem: `${file} is not an OpenSSH public key (one line, "ssh-ed25519 AAAA...")` };
}

/** Why the key file is unusable, or undefined: checked with the inventory, before any stack is built. */
export function publicKeyFileProblem(file: string): string | undefined {
  const read = readPublicKey(file);
  return 'problem' in read ? read.problem : undefined;
}
