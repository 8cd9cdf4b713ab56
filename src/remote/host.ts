// What the SSH layer knows of a cluster's hosts and how steps, status and client-config talk to them:
// the hosts resolved from the inventory (and stack outputs), commands, and a host's session, which
// quotes every argument, runs privileged commands with `sudo -n` for non-root users, knows about
// dry runs and logs every command.
import type { ClusterModel } from '../inventory/model.ts';
import { printable } from './printable.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';

/** What a host is to the cluster. The managed controller's router is also its Juju host. */
export type HostRole = 'compute' | 'juju' | 'service' | 'router';

/** One SSH-reachable host of the cluster, as resolved from the inventory (and outputs) from the inventory (and outputs). */
export interface ClusterHost {
  /** Unique in the run: the compute node's name, `router`, a service VM's name, or `juju`. */
  readonly name: string;
  readonly roles: readonly HostRole[];
  /** Address SSH connects to: a public IP, or a management IP for hosts reached through `via`. */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Name of the jump host (the router) for hosts on the management network. */
  readonly via?: string;
  /**
   * The name known_hosts records this host's key under instead of its address, as OpenSSH's
   * HostKeyAlias: hosts behind the router, whose management addresses repeat from cluster to
   * cluster (192.168.100.40 is every cluster's keystone), are `<cluster>.<vm>`.
   */
  readonly hostKeyAlias?: string;
  /** Pinned host key fingerprint (`SHA256:...`), from a compute node's `hostKey`. */
  readonly hostKey?: string;
  /** The compute node entry of the inventory, for compute nodes. */
  readonly computeNode?: ClusterModel['computeNodes'][number];
  /** The service VM's name (`keystone`, ...) for service VMs and the router. */
  readonly serviceVm?: string;
}

/** The cluster as the SSH layer sees it: the model, the stack outputs (managed) and every host. */
export interface ResolvedCluster {
  readonly model: ClusterModel;
  /** The stack's outputs; present for `controller.kind: managed`. */
  readonly outputs?: StackOutputs;
  readonly hosts: readonly ClusterHost[];
}

/** A remote command: an argv array (each element quoted), or a constant script with quoted arguments. */
export type Command =
  | readonly string[]
  | {
      /** A constant `sh` script written in the step; never build it from inventory values. */
      readonly script: string;
      /** Positional parameters `$1`, `$2`, ... of the script, each quoted. */
      readonly args?: readonly string[];
    };

export interface ExecOptions {
  /** Run as root: `sudo -n` for a non-root user, as is for root. Default false. */
  readonly sudo?: boolean;
  /** Written to the command's standard input (and redacted from the log if registered as secret). */
  readonly stdin?: string;
  /**
   * The command changes nothing. Read-only commands run even in a dry run (inside `apply` too), and
   * are re-run after a lost connection. Every command of `check` is treated as read-only.
   */
  readonly readOnly?: boolean;
  /** Kill the command (and fail) after this long. Default: no limit. */
  readonly timeoutMs?: number;
}

export interface ExecResult {
  /** Exit status; null when the command was killed by a signal. */
  readonly code: number | null;
  readonly signal?: string;
  /** Untrimmed output. */
  readonly stdout: string;
  readonly stderr: string;
}

export interface FileInfo {
  /** Octal permission bits, e.g. 0o644. */
  readonly mode: number;
  readonly owner: string;
  readonly group: string;
  readonly size: number;
  readonly inode: number;
}

export interface WriteFileOptions {
  /** Permission bits for a new file; an existing file keeps its own. Default 0o644. */
  readonly mode?: number;
  /** Owner (`user` or `user:group`) of a new file; an existing file keeps its own. Default: root. */
  readonly owner?: string;
  /** Write as root (`sudo -n` for a non-root user). Default true. */
  readonly sudo?: boolean;
}

export interface ReadFileOptions {
  /** Read as root. Default true. */
  readonly sudo?: boolean;
}

export interface RebootOptions {
  /** How long the host may take to go down. Default 120 s. */
  readonly downTimeoutMs?: number;
  /** How long the host may take to come back (SSH answering again). Default 600 s. */
  readonly upTimeoutMs?: number;
}

/** A host's single SSH connection, shared by every step that runs on it. */
export interface HostSession {
  readonly host: ClusterHost;
  /** True in a dry run: changing commands are printed, not run. */
  readonly dryRun: boolean;
  /**
   * Aborted when the run is stopped (SIGINT, SIGTERM): from then on no command starts, and waits
   * between commands (polls) end early. Absent where nothing stops the run.
   */
  readonly signal?: AbortSignal;
  /**
   * Runs a command; resolves with its exit code and output whatever the code. Rejects only when the
   * command could not run (connection lost, timeout). In a dry run a command that is not read-only
   * is recorded as "would run" and resolves `{ code: 0, stdout: '', stderr: '' }`.
   */
  exec(command: Command, options?: ExecOptions): Promise<ExecResult>;
  /** Like exec, but rejects with a RemoteCommandError on a non-zero exit; resolves stdout. */
  run(command: Command, options?: ExecOptions): Promise<string>;
  /** The file's content, or null when it does not exist (an empty file is ''). Read-only. */
  readFile(path: string, options?: ReadFileOptions): Promise<string | null>;
  /** Owner, mode and inode of a file, or null when it does not exist. Read-only. */
  stat(path: string, options?: ReadFileOptions): Promise<FileInfo | null>;
  /**
   * Replaces a file atomically: a temporary file in the same directory, then a rename over the
   * target. An existing file keeps its owner and mode; a new one gets `options.mode`/`owner`.
   */
  writeFile(path: string, content: string, options?: WriteFileOptions): Promise<void>;
  /**
   * The host's SSH key as this run verified it (pinned fingerprint or known_hosts), `TYPE BASE64`,
   * connecting first if need be. Read-only; what a known_hosts line elsewhere may trust.
   */
  hostKey(): Promise<string>;
  /**
   * Reboots the host and waits until it is back (same host key), then resolves. Only for steps
   * declared `mayReboot`. In a dry run only recorded.
   */
  reboot(options?: RebootOptions): Promise<void>;
}

/** A remote command exited non-zero where success was required (HostSession.run). */
export class RemoteCommandError extends Error {
  constructor(
    readonly host: string,
    /** The command as it ran (redacted). */
    readonly command: string,
    readonly result: ExecResult,
  ) {
    const detail = printable((result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | '));
    super(`${host}: \`${command}\` exited ${result.code ?? `on signal ${result.signal}`}${detail ? `: ${detail}` : ''}`);
    this.name = 'RemoteCommandError';
  }
}
