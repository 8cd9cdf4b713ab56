// Where the operator's SSH key comes from: the inventory's ssh.privateKeyFile, else an agent.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** `~/x` and relative paths (relative to the working directory, like inventory paths). */
export function expandPath(p: string): string {
  return p === '~' || p.startsWith('~/') ? resolve(homedir(), p.slice(2)) : resolve(p);
}

export function sshCredentials(privateKeyFile: string | undefined): { privateKey?: string; agent?: string } {
  if (privateKeyFile) {
    const path = expandPath(privateKeyFile);
    try {
      return { privateKey: readFileSync(path, 'utf8') };
    } catch (err) {
      throw new Error(`cannot read ssh.privateKeyFile ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  throw new Error('no SSH key: set ssh.privateKeyFile in the inventory, or run an SSH agent (SSH_AUTH_SOCK)');
}
