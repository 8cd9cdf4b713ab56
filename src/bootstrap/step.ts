// The contract between the bootstrap engine and the OpenCloud steps. A step is data: which hosts it
// runs on, what it depends on, a read-only `check` and the `apply` that makes the change. Steps only
// ever talk to a host through a HostSession (src/remote/host.ts).
import type { ClusterHost, HostRole, HostSession, ResolvedCluster } from '../remote/host.ts';

/** Which hosts a step runs on: by role, or any predicate over the cluster's hosts. */
export type HostSelector = HostRole | readonly HostRole[] | ((host: ClusterHost, cluster: ResolvedCluster) => boolean);

/** Everything a step's check and apply may use. */
export interface StepContext {
  readonly cluster: ResolvedCluster;
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
  /**
   * A change several hosts' steps need but that is made once per run (`what` names it): the first
   * caller makes it, the others await that attempt and share its outcome. The run waits for every
   * such attempt before its recap.
   */
  oncePerRun<T>(what: string, make: () => Promise<T>): Promise<T>;
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

