// The EC2 key pair the cluster's instances are launched with.
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair/index.js';
import { Construct } from 'constructs';
import { readPublicKey } from '../src/inventory/public-key-file.ts';
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
