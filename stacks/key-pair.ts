// The EC2 key pair the cluster's instances are launched with.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair/index.js';
import { Construct } from 'constructs';
import { PropsError, required } from './props.ts';
import { clusterTags } from './tags.ts';

export interface ClusterKeyPairProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Name of the key pair in EC2. */
  readonly keyName: string;
  /**
   * OpenSSH public key file read at synthesis; the stack then creates the key pair.
   * @default - the key pair already exists in the region under keyName
   */
  readonly publicKeyFile?: string;
}

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

/** Why the key file is unusable, or undefined: for diagnostics before any stack is built. */
export function publicKeyFileProblem(file: string): string | undefined {
  const read = readPublicKey(file);
  return 'problem' in read ? read.problem : undefined;
}

export class ClusterKeyPair extends Construct {
  /** Name to launch instances with (a reference to the created key pair when there is one). */
  readonly keyName: string;

  constructor(scope: Construct, id: string, props: ClusterKeyPairProps) {
    super(scope, id);
    const C = 'ClusterKeyPair';
    const name = required(C, 'keyName', props.keyName);
    if (!props.publicKeyFile) {
      this.keyName = name;
      return;
    }
    const read = readPublicKey(props.publicKeyFile);
    if ('problem' in read) throw new PropsError(C, 'publicKeyFile', read.problem);
    const key = read.key;
    const pair = new KeyPair(this, 'key-pair', { keyName: name, publicKey: key, tags: clusterTags(required(C, 'cluster', props.cluster), 'key-pair') });
    // A reference, so every instance waits for the key pair to exist.
    this.keyName = pair.keyName;
  }
}
