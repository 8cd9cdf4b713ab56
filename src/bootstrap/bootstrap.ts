// A bootstrap run end to end: the cluster's hosts, the host key policy, one connection per host,
// the steps in dependency order, progress, the JSON-lines log and the recap. The recap is the last
// thing printed: it comes once every unit and every change made once per run has ended, and every
// connection is closed by then, whether the run succeeded, failed, threw or was stopped.
import type { ClusterModel } from '../inventory/model.ts';
import { resolveCluster } from '../remote/cluster-hosts.ts';
import { ConnectionPool } from '../remote/connection-pool.ts';
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../remote/connection.ts';
import { HostKeyPolicy } from '../remote/host-keys.ts';
import { KnownHosts } from '../remote/known-hosts.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';
import { planUnits } from './plan.ts';
import { LiveProgress, PlainProgress, useLiveProgress, type Progress } from './progress.ts';
import { formatRecap } from './recap.ts';
import { printable } from '../remote/printable.ts';
import { Redactor } from '../remote/redact.ts';
import { RunLog, RUNS_DIR } from './run-log.ts';
import { runSteps, type RunEvent, type RunResult, type SessionProvider } from './runner.ts';
import { RemoteHost } from '../remote/session.ts';
import { stopReason } from '../remote/interruption.ts';
import { expandPath, sshCredentials } from '../remote/ssh-credentials.ts';
import type { AnyStep } from './step.ts';

export interface BootstrapOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  readonly steps: readonly AnyStep[];
  readonly only?: readonly string[];
  readonly dryRun?: boolean;
  readonly concurrency?: number;
  readonly acceptNewHostKeys?: boolean;
  /** Where the JSON-lines log goes. Default .opencloud/runs. */
  readonly logDir?: string;
  /** Connection tuning (tests shorten the timeouts). */
  readonly connection?: Partial<Omit<ConnectionSettings, 'privateKey' | 'agent'>>;
  readonly out?: (line: string) => void;
  /** Live task list; default: on a terminal outside CI. */
  readonly live?: boolean;
  /**
   * Stops the run (the CLI aborts it on SIGINT or SIGTERM, with an Interruption as the reason): no
   * command starts after it, and after `stopGraceMs` the connections are closed, cutting off the
   * commands still under way. @default never stopped
   */
  readonly signal?: AbortSignal;
  /** How long commands under way may take to finish once the run is stopped. @default 2000 */
  readonly stopGraceMs?: number;
}

/** Commands under way get this long to finish after a stop, before their connections are closed. */
export const DEFAULT_STOP_GRACE_MS = 2_000;

export interface BootstrapResult extends RunResult {
  readonly logFile: string;
}


export async function bootstrap(opts: BootstrapOptions): Promise<BootstrapResult> {
  const redactor = new Redactor();
  const write = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Whatever reaches the terminal is redacted like the log (failure messages may quote output), and
  // shown without the control characters remote text may carry.
  const shown = (text: string) => printable(redactor.redact(text));
  const out = (line: string) => write(shown(line));
  // The live task list prints event text itself, not through `out`.
  const forTerminal = (e: RunEvent): RunEvent => {
    if (e.type === 'log') return { ...e, message: shown(e.message) };
    if (e.type === 'unit-end') return { ...e, ...(e.message !== undefined ? { message: shown(e.message) } : {}), ...(e.description !== undefined ? { description: shown(e.description) } : {}) };
    return e;
  };
  const dryRun = opts.dryRun ?? false;
  const cluster = resolveCluster(opts.model, opts.outputs);
  const units = planUnits(cluster, opts.steps, opts.only); // fails early on unknown steps or cycles
  const log = new RunLog(opts.model.name, redactor, opts.logDir ?? RUNS_DIR);
  const ssh = opts.model.ssh;
  const knownHostsFile = expandPath(ssh.knownHostsFile ?? '~/.ssh/known_hosts');
  const progress: Progress = (opts.live ?? useLiveProgress()) ? new LiveProgress(out, dryRun) : new PlainProgress(out, dryRun);

  const policy = new HostKeyPolicy({
    knownHosts: new KnownHosts(knownHostsFile),
    acceptNew: opts.acceptNewHostKeys ?? false,
    onRecorded: (host, fingerprint, line) => {
      log.write('host-key-recorded', { host: host.name, address: host.address, fingerprint, file: knownHostsFile, line });
      progress.notice(`${host.name}: recorded new host key ${fingerprint} in ${knownHostsFile} (--accept-new-host-keys)`);
    },
  });
  const settings: ConnectionSettings = {
    ...DEFAULT_CONNECTION_SETTINGS,
    ...opts.connection,
    ...sshCredentials(ssh.privateKeyFile),
  };
  const pool = new ConnectionPool({
    hosts: cluster.hosts,
    settings,
    policy,
    onConnect: (e) => log.write('connect', { ...e }),
  });
  const sessions: SessionProvider = {
    async session(hostName, use) {
      const connection = pool.get(hostName);
      await connection.ensure();
      return new RemoteHost({
        connection,
        dryRun,
        phase: use.phase,
        step: use.step,
        mayReboot: use.mayReboot,
        redactor,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onCommand: (record) => {
          log.write('exec', { ...record });
          progress.command(record);
        },
        onLog: (message) => {
          log.write('log', { host: hostName, step: use.step, message });
          progress.event(forTerminal({ type: 'log', host: hostName, step: use.step, message }));
        },
      });
    },
    secret: (value) => redactor.add(value),
  };

  log.write('run-start', {
    cluster: opts.model.name,
    inventory: opts.model.sourceFile,
    dryRun,
    only: opts.only ?? [],
    concurrency: opts.concurrency ?? 10,
    steps: opts.steps.map((s) => s.id),
    hosts: cluster.hosts.map((h) => ({ name: h.name, roles: h.roles, address: h.address, ...(h.via ? { via: h.via } : {}) })),
  });
  const targeted = cluster.hosts.filter((h) => units.some((u) => u.host.name === h.name));
  // A stop: no new command (the sessions and the runner see the signal); the commands under way
  // get a moment to finish, then their connections are closed under them.
  let cutOff: NodeJS.Timeout | undefined;
  const onStop = () => {
    const reason = stopReason(opts.signal!);
    const graceMs = opts.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    log.write('stop', { reason, graceMs });
    progress.notice(`${reason}: starting no new command; closing the connections in ${graceMs / 1000} s`);
    cutOff = setTimeout(() => pool.closeAll(reason), graceMs);
  };
  progress.start(targeted);
  let result: RunResult | undefined;
  try {
    if (opts.signal?.aborted) onStop();
    else opts.signal?.addEventListener('abort', onStop, { once: true });
    result = await runSteps({
      cluster,
      steps: opts.steps,
      sessions,
      dryRun,
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onEvent: (e) => {
        const { type, ...fields } = e;
        log.write(type, fields);
        progress.event(forTerminal(e));
      },
    });
  } finally {
    opts.signal?.removeEventListener('abort', onStop);
    clearTimeout(cutOff);
    pool.closeAll(result ? 'the run has ended' : 'the run failed');
    await progress.finish(result);
  }
  log.write('run-end', { failed: result.failed, recap: Object.fromEntries(result.recap), ...(result.interrupted ? { interrupted: result.interrupted } : {}) });
  for (const line of ['', ...formatRecap(result), '', `log: ${log.file}`]) out(line);
  return { ...result, logFile: log.file };
}
