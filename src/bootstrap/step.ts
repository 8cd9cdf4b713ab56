// The contract between the bootstrap engine and the OpenCloud steps. A step is data: which hosts it
// runs on, what it depends on, a read-only `check` and the `apply` that makes the change. Steps only
// ever talk to a host through a HostSession, which quotes every argument, runs privileged commands
// with `sudo -n` for non-root users, knows about dry runs and logs every command.
//
// This interface is shared with other engineers: extend it, never change what is here.
import type { ClusterModel } from '../inventory/model.ts';
import type { StackOutputs } from './outputs.ts';

/** What a host is to the cluster. The managed controller's router is also its Juju host. */
export type HostRole = 'compute' | 'juju' | 'service' | 'router';

/** One SSH-reachable host of the cluster, as the bootstrap resolved it from the inventory (and outputs). */
export interface BootstrapHost {
  /** Unique in the run: the compute node's name, `router`, a service VM's name, or `juju`. */
  readonly name: string;
  readonly roles: readonly HostRole[];
  /** Address SSH connects to: a public IP, or a management IP for hosts reached through `via`. */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Name of the jump host (the router) for hosts on the management network. */
  readonly via?: string;
  /** Pinned host key fingerprint (`SHA256:...`), from a compute node's `hostKey`. */
  readonly hostKey?: string;
  /** The compute node entry of the inventory, for compute nodes. */
  readonly computeNode?: ClusterModel['computeNodes'][number];
  /** The service VM's name (`keystone`, ...) for service VMs and the router. */
  readonly serviceVm?: string;
}

/** Which hosts a step runs on: by role, or any predicate over the cluster's hosts. */
export type HostSelector = HostRole | readonly HostRole[] | ((host: BootstrapHost, cluster: BootstrapCluster) => boolean);

/** The cluster as the bootstrap sees it: the model, the stack outputs (managed) and every host. */
export interface BootstrapCluster {
  readonly model: ClusterModel;
  /** The stack's outputs; present for `controller.kind: managed`. */
  readonly outputs?: StackOutputs;
  readonly hosts: readonly BootstrapHost[];
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
  readonly host: BootstrapHost;
  /** True in a dry run: changing commands are printed, not run. */
  readonly dryRun: boolean;
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
   * Reboots the host and waits until it is back (same host key), then resolves. Only for steps
   * declared `mayReboot`. In a dry run only recorded.
   */
  reboot(options?: RebootOptions): Promise<void>;
}

/** Everything a step's check and apply may use. */
export interface StepContext {
  readonly cluster: BootstrapCluster;
  /** The host this step runs on, and its session. */
  readonly host: HostSession;
  readonly dryRun: boolean;
  /** The session of another host of the cluster (e.g. the Juju host), connected on first use. */
  session(hostName: string): Promise<HostSession>;
  /** Sessions of every host with this role. */
  sessions(role: HostRole): Promise<readonly HostSession[]>;
  /** A line of progress for this host and step (also logged). */
  log(message: string): void;
  /** Registers a value (password, token) to be redacted from every log and output from now on. */
  secret(value: string): void;
}

/** What `check` found. */
export type CheckResult<Plan = undefined> =
  | { readonly needed: false; /** Why nothing is needed, e.g. "block up to date". */ readonly description?: string }
  | {
      readonly needed: true;
      /** The change apply will make, for the operator (e.g. "write 7 entries into /etc/hosts"). */
      readonly description: string;
      /** Whatever apply needs from check (parsed facts), passed back to apply. */
      readonly plan: Plan;
    };

/** A dependency on another step. A bare step id means the default scope (see Step.dependsOn). */
export type StepDependency = string | { readonly step: string; readonly scope: 'same-host' | 'all-hosts' };

export interface Step<Plan = undefined> {
  /** Stable id, used by `--only` and in dependencies, e.g. `hosts`. */
  readonly id: string;
  /** One line for the operator. */
  readonly title: string;
  readonly hosts: HostSelector;
  /**
   * Steps that must have succeeded first. Default scope: `same-host` when the other step runs on
   * this host too (this host's result counts), `all-hosts` otherwise (every host it ran on counts).
   * A failed or skipped dependency skips this step on the hosts it affects.
   */
  readonly dependsOn?: readonly StepDependency[];
  /** Reads the host's facts, changes nothing. Its commands always run, in a dry run too. */
  check(ctx: StepContext): Promise<CheckResult<Plan>>;
  /** Makes the change check described. Must leave the host so that check then finds nothing needed. */
  apply(ctx: StepContext, plan: Plan): Promise<void>;
  /** apply may reboot the host (through ctx.host.reboot). */
  readonly mayReboot?: boolean;
  /**
   * apply may be run again from check after a lost connection. Only for steps whose apply is safe
   * to repeat midway; otherwise a lost connection fails the step and a re-run converges it.
   */
  readonly retrySafe?: boolean;
  /**
   * The step runs its commands on the Juju host only (juju-machine, nova-compute), not on the host
   * it is for. Its units take none of the run's `--concurrency` slots (hosts worked on at once):
   * the Juju host's connection bounds them (commands at once per connection), and a node waiting
   * for its Juju agent does not hold up work on other nodes.
   */
  readonly onJujuHost?: boolean;
}

/** A step of any plan type, as the registry and the runner hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = Step<any>;

/** Per host per step. */
export type StepStatus = 'ok' | 'changed' | 'failed' | 'skipped';

/** A remote command exited non-zero where success was required (HostSession.run). */
export class RemoteCommandError extends Error {
  constructor(
    readonly host: string,
    /** The command as it ran (redacted). */
    readonly command: string,
    readonly result: ExecResult,
  ) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    super(`${host}: \`${command}\` exited ${result.code ?? `on signal ${result.signal}`}${detail ? `: ${detail}` : ''}`);
    this.name = 'RemoteCommandError';
  }
}
