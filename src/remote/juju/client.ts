// The Juju 1.x command line, driven over the Juju host's HostSession. Every call is an argv array
// (the session quotes each element); values from the inventory never become shell text.
// Creating calls are idempotent: "already exists" answers count as success, as in the original
// scripts. Changes hold a lock (lock.ts) on what they change: deploy the whole environment's,
// relations and a service's settings their own part's, add-machine its address's; add-unit none.
// Reads are shared between concurrent steps (shared-reads.ts).
import { quoteArgv } from '../quoting.ts';
import type { ExecOptions, ExecResult, HostSession } from '../host.ts';
import { JUJU_WAIT, type Relation } from '../../inventory/reference.ts';
import { JujuCommandError, JujuUnitError, JujuWaitTimeoutError, isAlreadyExists } from './errors.ts';
import { withJujuLock } from './lock.ts';
import { allUnits, findMachineByAddress, parseJujuStatus, unitFailed, unitStarted, unitStateText, type JujuStatus, type JujuUnit } from './status.ts';
import { charmConfigYaml } from './charm-config.ts';
import { parseServiceSettings } from './service-settings.ts';
import { sharedReads } from './shared-reads.ts';
import { homeDirectory } from './ssh-key.ts';
import { sleep } from '../sleep.ts';

export interface WaitOptions {
  /** Longest pause between two polls; the first polls come sooner (each second for ten seconds, then doubling). */
  readonly pollSeconds?: number;
  /** Polls before giving up. */
  readonly maxPolls?: number;
  /** A line of progress per poll that still waits. */
  readonly log?: (message: string) => void;
}

export type RunTarget = { readonly unit: string } | { readonly machine: string } | { readonly service: string };

export class JujuClient {
  constructor(readonly session: HostSession) {}

  /** The lock key: one Juju environment per Juju host. */
  get lockKey(): string {
    const h = this.session.host;
    return `${h.user}@${h.address}:${h.port}`;
  }

  /**
   * Runs fn holding this environment's lock (re-entrant): for read-decide-change sequences. With
   * `part` (`relations`, `settings of nova-compute`), only that part of the environment is locked:
   * changes to different parts go on at once.
   */
  exclusive<T>(fn: () => Promise<T>, part?: string): Promise<T> {
    return withJujuLock(part === undefined ? this.lockKey : `${this.lockKey} ${part}`, fn);
  }

  /** Runs `juju ARGS...`; rejects with JujuCommandError on a non-zero exit. */
  async juju(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.session.exec(['juju', ...args], options);
    if (result.code !== 0) throw new JujuCommandError(args, result);
    return result;
  }

  /** `juju status`, read after this call began; shared with the steps asking at the same time (shared-reads.ts). */
  status(): Promise<JujuStatus> {
    return sharedReads(this.session.host).read('status', async () => {
      const { stdout } = await this.juju(['status', '--format=json'], { readOnly: true });
      return parseJujuStatus(stdout);
    });
  }

  /**
   * `juju add-machine ssh:USER@ADDRESS`; resolves the machine id. A machine Juju already has at
   * that address is returned as is (also when Juju answers "already provisioned").
   * Undefined only in a dry run, where nothing was added.
   */
  addMachine(user: string, address: string): Promise<string | undefined> {
    // Locked per address, not per environment: machines of different nodes do not interfere, and
    // add-machine (an SSH login and an agent install) is the slow part of joining a node.
    return this.exclusive(async () => {
      const existing = findMachineByAddress(await this.status(), address);
      if (existing) return existing.id;
      let created: ExecResult | undefined;
      try {
        created = await this.juju(['add-machine', `ssh:${user}@${address}`]);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      if (this.session.dryRun) return undefined;
      // Juju 1.x says "created machine N" on stderr; status is the fallback and the proof.
      const said = /created machine (\S+)/.exec(`${created?.stderr ?? ''}\n${created?.stdout ?? ''}`)?.[1];
      if (said) return said;
      const machine = findMachineByAddress(await this.status(), address);
      if (!machine) {
        throw new Error(`juju add-machine ssh:${user}@${address} succeeded but juju status shows no machine at ${address}`);
      }
      return machine.id;
    }, `machine ${address}`);
  }

  /**
   * `juju deploy CHARM [SERVICE] --to MACHINE [--config FILE]`. With `config`, the service's
   * settings go into a YAML file written atomically on the Juju host first. Resolves
   * `exists` when the service is already deployed (nothing changed).
   */
  deploy(
    charm: string,
    options: { service?: string; to?: string; config?: Readonly<Record<string, string>> } = {},
  ): Promise<'deployed' | 'exists'> {
    const service = options.service ?? charm;
    return this.exclusive(async () => {
      const args = ['deploy'];
      if (options.to !== undefined) args.push('--to', options.to);
      if (options.config) args.push('--config', await this.writeCharmConfig(service, options.config));
      args.push(charm);
      if (options.service) args.push(options.service);
      try {
        await this.juju(args);
        return 'deployed';
      } catch (err) {
        if (isAlreadyExists(err)) return 'exists';
        throw err;
      }
    });
  }

  /** `juju add-unit SERVICE --to MACHINE`. No lock: units of one service are added independently. */
  async addUnit(service: string, options: { to?: string } = {}): Promise<void> {
    await this.juju(['add-unit', ...(options.to !== undefined ? ['--to', options.to] : []), service]);
  }

  /** `juju add-relation A B`; `exists` when Juju already has it. */
  addRelation([a, b]: Relation): Promise<'added' | 'exists'> {
    return this.exclusive(async () => {
      try {
        await this.juju(['add-relation', a, b]);
        return 'added';
      } catch (err) {
        if (isAlreadyExists(err)) return 'exists';
        throw err;
      }
    }, 'relations');
  }

  /** The service's configuration values that are set (`juju get SERVICE`), as strings; shared like status(). */
  get(service: string): Promise<Readonly<Record<string, string>>> {
    return sharedReads(this.session.host).read(`get ${service}`, () => this.readSettings(service));
  }

  private async readSettings(service: string): Promise<Record<string, string>> {
    // YAML, the only format 1.25's `get` knows (service-settings.ts).
    const { stdout } = await this.juju(['get', service], { readOnly: true });
    return parseServiceSettings(stdout, service);
  }

  /** `juju set SERVICE key=value...`; nothing when every value is already so. Resolves the keys changed. */
  set(service: string, settings: Readonly<Record<string, string>>): Promise<string[]> {
    return this.exclusive(async () => {
      const current = await this.get(service);
      const changed = Object.entries(settings).filter(([k, v]) => current[k] !== v);
      if (changed.length > 0) await this.juju(['set', service, ...changed.map(([k, v]) => `${k}=${v}`)]);
      return changed.map(([k]) => k);
    }, `settings of ${service}`);
  }

  /**
   * `juju run --unit|--machine|--service TARGET -- COMMAND`: Juju hands the command to a shell on
   * the target, so the argv is quoted into one command line here. Resolves stdout.
   */
  async run(target: RunTarget, argv: readonly string[], options: { readOnly?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const flag = 'unit' in target ? `--unit=${target.unit}` : 'machine' in target ? `--machine=${target.machine}` : `--service=${target.service}`;
    const { stdout } = await this.juju(['run', flag, '--', quoteArgv(argv)], options);
    return stdout;
  }

  /**
   * Polls `juju status` until every unit the predicate selects is started, its agent really there
   * (unitStarted: 1.25 keeps `started` for a lost agent), and at least one is selected. A selected unit in `error` fails at once, with Juju's message. Bounded by maxPolls.
   */
  async waitForUnits(select: (unit: JujuUnit) => boolean, options: WaitOptions = {}): Promise<JujuUnit[]> {
    const pollSeconds = options.pollSeconds ?? JUJU_WAIT.pollSeconds;
    const maxPolls = options.maxPolls ?? JUJU_WAIT.maxPolls;
    // A poll is one `juju status` shared by every node waiting at the time (shared-reads.ts), so
    // the first ten seconds are polled each second; then the pause doubles up to pollSeconds.
    let pause = Math.min(1, pollSeconds);
    let waited = 0;
    let pending: JujuUnit[] = [];
    for (let poll = 1; poll <= maxPolls; poll++) {
      const units = allUnits(await this.status()).filter(select);
      const failed = units.filter(unitFailed);
      if (failed.length > 0) throw new JujuUnitError(failed.map((u) => ({ name: u.name, ...(u.message ? { message: u.message } : {}) })));
      pending = units.filter((u) => !unitStarted(u));
      if (units.length > 0 && pending.length === 0) return units;
      if (poll === maxPolls) break;
      options.log?.(
        `waiting for ${pending.length ? pending.map((u) => `${u.name} (${unitStateText(u)})`).join(', ') : 'units to appear'}: poll ${poll}/${maxPolls}`,
      );
      // A stopped run does not sit out the pause: the next poll is refused at once.
      await sleep(pause * 1000, this.session.signal);
      waited += pause;
      if (waited >= 10) pause = Math.min(pause * 2, pollSeconds);
    }
    throw new JujuWaitTimeoutError(pending.map((u) => ({ name: u.name, agentState: unitStateText(u) })), maxPolls, waited);
  }

  /**
   * Writes `SERVICE: {key: value}` for `juju deploy --config` under the Juju user's home
   * (atomically, as that user) and resolves its path.
   */
  async writeCharmConfig(service: string, settings: Readonly<Record<string, string>>): Promise<string> {
    const dir = `${await homeDirectory(this.session)}/.opencloud/charm-config`;
    await this.session.run(['mkdir', '-p', '-m', '700', dir]);
    const file = `${dir}/${service}.yaml`;
    await this.session.writeFile(file, charmConfigYaml(service, settings), { sudo: false, mode: 0o600, owner: this.session.host.user });
    return file;
  }
}
