// Where Terraform keeps the state of one cluster's stack.
import { relative, resolve, join } from 'node:path';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { required } from './props.ts';

export interface S3StateProps {
  /** Bucket holding the state object. */
  readonly bucket: string;
  /** Object key of this cluster's state. */
  readonly key: string;
  /** Region of the bucket. */
  readonly region: string;
}

export interface StateBackendProps {
  /** Stack (cluster) name; names the local state file. */
  readonly stackName: string;
  /** Remote state in S3, encrypted and locked with an S3 lock file. @default - local state */
  readonly s3?: S3StateProps;
  /**
   * Directory of the local state files, relative to the project directory.
   * @default '.opencloud/state'
   */
  readonly localStateDir?: string;
  /**
   * Directory Terraform runs in for this stack (`<outdir>/stacks/<name>`); the local path is
   * written relative to it so the synthesized file does not depend on the machine.
   * @default 'cdktf.out/stacks/<stackName>'
   */
  readonly workingDirectory?: string;
}

/** The stack's backend: a per-stack local file by default, S3 when the inventory names a bucket. */
export class StateBackend extends Construct {
  /** The local state path as written in the backend, or undefined for S3. */
  readonly localPath?: string;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const name = required('StateBackend', 'stackName', props.stackName);
    // A backend belongs to the stack itself: cdktf allows one, found by its place in the tree.
    const stack = TerraformStack.of(this);
    if (props.s3) {
      const s3 = props.s3;
      const backend = new S3Backend(stack, {
        bucket: required('StateBackend', 's3.bucket', s3.bucket),
        key: required('StateBackend', 's3.key', s3.key),
        region: required('StateBackend', 's3.region', s3.region),
        encrypt: true,
      });
      // cdktf 0.21 predates S3 native locking (Terraform >= 1.10); no DynamoDB table needed with it.
      backend.addOverride('use_lockfile', true);
      return;
    }
    // The default `terraform.<name>.tfstate` would live inside cdktf.out, which synth may wipe.
    const stateFile = resolve(props.localStateDir ?? '.opencloud/state', `${name}.tfstate`);
    const workDir = resolve(props.workingDirectory ?? join('cdktf.out', 'stacks', name));
    this.localPath = relative(workDir, stateFile);
    new LocalBackend(stack, { path: this.localPath });
  }
}
