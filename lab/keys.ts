import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { runChecked } from './proc.ts';

export interface KeyPair {
  privateKeyFile: string;
  /** 'ssh-ed25519 AAAA... comment' */
  publicKeyLine: string;
  /** 'SHA256:...' as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/** Generates an ed25519 key without passphrase at `file` (and `file`.pub). */
export async function generateKey(file: string, comment: string): Promise<KeyPair> {
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  const publicKeyLine = fs.readFileSync(`${file}.pub`, 'utf8').trim();
  return { privateKeyFile: file, publicKeyLine, fingerprint: fingerprintOf(publicKeyLine) };
}

/** SHA-256 of the key blob, base64 without padding: the same string `ssh-keygen -lf` prints. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Drops the comment: 'ssh-ed25519 AAAA...'. */
export function keyWithoutComment(publicKeyLine: string): string {
  return publicKeyLine.split(/\s+/).slice(0, 2).join(' ');
}
