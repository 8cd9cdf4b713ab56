// One SSH connection per host, reused by every step on it. Hosts on the management network are
// reached through the router's connection (a direct-tcpip channel handed to ssh2 as `sock`), never
// by an address of their own. Connection failures are retried with backoff; commands are not: a
// command that may have run is never repeated here (the runner decides, from the step's declaration).
// A closed connection stays closed: nothing reconnects it, so no command can run after its run ended.
import { NodeSSH, type Config } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { HostKeyError, type HostKeyPolicy } from './host-keys.ts';
import { knownHostsName } from './known-hosts.ts';
import { Limiter } from './limiter.ts';
import { sleep } from './sleep.ts';
import type { ClusterHost, ExecResult } from './host.ts';

/** The connection went away while a command ran: the command may or may not have taken effect. */
export class ConnectionLostError extends Error {
  constructor(readonly host: string, detail: string) {
    super(`${host}: connection lost (${detail})`);
    this.name = 'ConnectionLostError';
  }
}

/** Could not connect (after the retries). */
export class ConnectError extends Error {
  constructor(readonly host: string, message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** The connection was closed for good (the run ended or was stopped): no command starts on it. */
export class ConnectionClosedError extends Error {
  constructor(readonly host: string, readonly reason: string) {
    super(`${host}: connection closed (${reason}); not reconnecting`);
    this.name = 'ConnectionClosedError';
  }
}

export class CommandTimeoutError extends Error {
  constructor(readonly host: string, readonly timeoutMs: number) {
    super(`${host}: command did not finish within ${timeoutMs / 1000} s; killed`);
    this.name = 'CommandTimeoutError';
  }
}

export interface ConnectionSettings {
  /** Private key contents; absent means the SSH agent (SSH_AUTH_SOCK). */
  readonly privateKey?: string;
  readonly agent?: string;
  readonly readyTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  /** Connection attempts in all (1 = no retry). */
  readonly attempts: number;
  /** First backoff; doubles each retry. */
  readonly backoffMs: number;
  /** Channels in flight per connection (sshd's MaxSessions defaults to 10). */
  readonly channelsPerConnection: number;
}

export const DEFAULT_CONNECTION_SETTINGS: Omit<ConnectionSettings, 'privateKey' | 'agent'> = {
  readyTimeoutMs: 20_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  attempts: 4,
  backoffMs: 1_000,
  channelsPerConnection: 5,
};

export interface ConnectEvent {
  readonly host: string;
  readonly address: string;
  readonly via?: string;
  readonly attempt: number;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
  readonly fingerprint?: string;
}

export interface SshConnectionOptions {
  readonly host: ClusterHost;
  readonly settings: ConnectionSettings;
  readonly policy: HostKeyPolicy;
  /** Bounds how many handshakes run at once across the run (sshd's MaxStartups). */
  readonly connectLimiter: Limiter;
  /** The jump host's connection, for hosts with `via`. */
  readonly jump?: () => Promise<SshConnection>;
  readonly onConnect?: (event: ConnectEvent) => void;
}

const KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

export class SshConnection {
  private ssh: NodeSSH | null = null;
  private alive = false;
  private lostReason = '';
  private connecting: Promise<void> | null = null;
  /** Events of a client replaced since are ignored. */
  private generation = 0;
  private readonly closeWaiters = new Set<() => void>();
  private readonly channels: Limiter;
  /** Set by close(): why, and what cuts the connection's own waits (backoff, reconnect) short. */
  private closedFor?: string;
  private readonly closing = new AbortController();
  /** The client of a handshake under way, so close() can end it too. */
  private handshake: NodeSSH | null = null;
  /** The host key fingerprint this run accepted; a reconnect must see the same. */
  fingerprint?: string;
  /** That key itself, `TYPE BASE64` (what a known_hosts line holds). */
  private verifiedKey?: string;

  constructor(readonly opts: SshConnectionOptions) {
    this.channels = new Limiter(opts.settings.channelsPerConnection);
  }

  get host(): ClusterHost {
    return this.opts.host;
  }

  get connected(): boolean {
    return this.alive;
  }

  /** Connects unless connected; concurrent callers share one attempt. Rejects once closed. */
  ensure(): Promise<void> {
    if (this.closedFor !== undefined) return Promise.reject(new ConnectionClosedError(this.host.name, this.closedFor));
    if (this.alive) return Promise.resolve();
    this.connecting ??= this.connectWithRetries().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectWithRetries(attempts = this.opts.settings.attempts, readyTimeoutMs = this.opts.settings.readyTimeoutMs): Promise<void> {
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      this.throwIfClosed();
      try {
        await this.connectOnce(attempt, readyTimeoutMs);
        return;
      } catch (err) {
        last = err;
        if (err instanceof HostKeyError || (err instanceof ConnectError && !err.retryable)) throw err;
        this.throwIfClosed();
        if (attempt < attempts) await sleep(this.opts.settings.backoffMs * 2 ** (attempt - 1), this.closing.signal);
      }
    }
    const reason = last instanceof Error ? last.message : String(last);
    throw new ConnectError(this.host.name, `${this.describe()}: cannot connect after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`, true);
  }

  describe(): string {
    const h = this.host;
    return `${h.name} (${h.user}@${knownHostsName(h.address, h.port)}${h.via ? ` via ${h.via}` : ''})`;
  }

  /** One connection attempt; throws HostKeyError for a refused key, ConnectError otherwise. */
  private async connectOnce(attempt: number, readyTimeoutMs: number): Promise<void> {
    const { host, settings, policy } = this.opts;
    const started = Date.now();
    let keyError: HostKeyError | undefined;
    let fingerprint: string | undefined;
    let verifiedKey: string | undefined;
    const report = (ok: boolean, error?: string) =>
      this.opts.onConnect?.({
        host: host.name,
        address: host.address,
        ...(host.via ? { via: host.via } : {}),
        attempt,
        ok,
        ms: Date.now() - started,
        ...(error ? { error } : {}),
        ...(fingerprint ? { fingerprint } : {}),
      });
    try {
      // The jump host connects before this handshake takes a slot: holding one while waiting for
      // the router's own handshake would deadlock once every slot waits on the router.
      const jump = this.opts.jump ? await this.opts.jump() : undefined;
      await this.opts.connectLimiter.run(async () => {
        const sock: Config['sock'] = jump ? await jump.forwardOut(host.address, host.port) : undefined;
        const preferred = policy.preferredKeyTypes(host).flatMap((t) => KEY_ALGORITHMS[t] ?? [t]);
        const config: Config = {
          host: host.address,
          port: host.port,
          username: host.user,
          readyTimeout: readyTimeoutMs,
          keepaliveInterval: settings.keepaliveIntervalMs,
          keepaliveCountMax: settings.keepaliveCountMax,
          hostVerifier: (key: Buffer) => {
            const decision = policy.decide(host, key, this.fingerprint);
            if (decision.ok) {
              fingerprint = decision.fingerprint;
              verifiedKey = decision.key;
            } else keyError = decision.error;
            return decision.ok;
          },
          ...(preferred.length ? { algorithms: { serverHostKey: { prepend: preferred, append: [], remove: [] } as never } } : {}),
          ...(sock ? { sock } : {}),
          ...(settings.privateKey ? { privateKey: settings.privateKey } : {}),
          ...(settings.agent ? { agent: settings.agent } : {}),
        };
        const ssh = new NodeSSH();
        this.handshake = ssh;
        try {
          this.throwIfClosed();
          await ssh.connect(config);
          // Closed while the handshake ran: this client must not outlive the run.
          this.throwIfClosed();
        } catch (err) {
          ssh.dispose();
          throw err;
        } finally {
          this.handshake = null;
        }
        const client = ssh.connection!;
        // node-ssh stops listening for errors once connected: an unhandled 'error' would end the process.
        const generation = ++this.generation;
        client.on('error', (err: Error) => generation === this.generation && this.markLost(err.message));
        client.on('close', () => generation === this.generation && this.markLost('connection closed'));
        this.ssh = ssh;
        this.alive = true;
        this.lostReason = '';
      });
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw err;
      if (keyError) {
        report(false, keyError.message);
        throw keyError;
      }
      const message = err instanceof Error ? err.message : String(err);
      report(false, message);
      throw new ConnectError(host.name, `${this.describe()}: ${message}`, isRetryable(message));
    }
    this.fingerprint = fingerprint;
    this.verifiedKey = verifiedKey;
    report(true);
  }

  /** The host key this run verified (`TYPE BASE64`), connecting first if need be. */
  async hostKey(): Promise<string> {
    await this.ensure();
    if (!this.verifiedKey) throw new Error(`${this.describe()}: connected without a verified host key`);
    return this.verifiedKey;
  }

  private markLost(reason: string): void {
    if (!this.alive && this.lostReason) return;
    this.alive = false;
    this.lostReason ||= reason;
    for (const w of this.closeWaiters) w();
    this.closeWaiters.clear();
  }

  /** Opens a direct-tcpip channel from this host to another (for jump-reached hosts). */
  async forwardOut(address: string, port: number): Promise<NonNullable<Config['sock']>> {
    await this.ensure();
    const client = this.ssh!.connection!;
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => (err ? reject(new Error(`${this.host.name} cannot reach ${address}:${port}: ${err.message}`)) : resolve(stream)));
    });
  }

  /**
   * Runs a command line (already quoted) on one channel. Channel-open failures are retried (the
   * command never started); a connection lost mid-command throws ConnectionLostError.
   */
  async exec(commandLine: string, opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    await this.ensure();
    return this.channels.run(async () => {
      for (let tries = 1; ; tries++) {
        // A command waiting for a channel when the connection was closed never starts.
        this.throwIfClosed();
        // Gone before this command started: reconnecting is safe.
        if (!this.alive) await this.ensure();
        const ssh = this.ssh!;
        let channel: ClientChannel | undefined;
        let timer: NodeJS.Timeout | undefined;
        let timedOut = false;
        try {
          const result = await ssh.execCommand(commandLine, {
            noTrim: true,
            ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
            onChannel: (ch) => {
              channel = ch;
              if (opts.timeoutMs) {
                timer = setTimeout(() => {
                  timedOut = true;
                  try {
                    ch.signal('KILL');
                  } catch {
                    /* already gone */
                  }
                  ch.close();
                }, opts.timeoutMs);
              }
            },
          });
          if (timedOut) throw new CommandTimeoutError(this.host.name, opts.timeoutMs!);
          // A channel that closed without an exit status while the connection died: lost mid-command.
          if (result.code === null && result.signal === null) {
            await sleep(50); // let the client's close event arrive
            if (!this.alive || !ssh.isConnected()) throw new ConnectionLostError(this.host.name, this.lostReason || 'connection closed');
          }
          return {
            code: result.code,
            ...(result.signal ? { signal: result.signal } : {}),
            stdout: result.stdout,
            stderr: result.stderr,
          };
        } catch (err) {
          if (err instanceof ConnectionLostError || err instanceof CommandTimeoutError) throw err;
          const message = err instanceof Error ? err.message : String(err);
          if (!channel && /Channel open failure/i.test(message) && tries < 5 && this.alive) {
            await sleep(100 * tries, this.closing.signal);
            continue;
          }
          if (!channel) {
            // The command never started: nothing to lose by saying the connection is gone.
            this.markLost(message);
            throw new ConnectionLostError(this.host.name, `${message}; the command did not start`);
          }
          this.markLost(message);
          throw new ConnectionLostError(this.host.name, message);
        } finally {
          if (timer) clearTimeout(timer);
        }
      }
    });
  }

  /** Resolves when the connection is gone; rejects after timeoutMs. */
  waitForClose(timeoutMs: number): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.closeWaiters.delete(done);
        reject(new Error(`${this.host.name} did not go down within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.closeWaiters.add(done);
    });
  }

  /**
   * Reconnects after the host went away (a reboot): tries until upTimeoutMs, requiring the host key
   * seen before. A refused key fails at once.
   */
  async reconnectWithin(upTimeoutMs: number): Promise<void> {
    this.dropClient();
    const deadline = Date.now() + upTimeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      this.throwIfClosed();
      try {
        // No attempt may outlast the deadline: the reboot's limit is a hard one.
        await this.connectWithRetries(1, Math.max(1, Math.min(this.opts.settings.readyTimeoutMs, deadline - Date.now())));
        return;
      } catch (err) {
        if (err instanceof HostKeyError || err instanceof ConnectionClosedError) throw err;
        last = err instanceof Error ? err.message : String(err);
        await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())), this.closing.signal);
      }
    }
    throw new ConnectError(this.host.name, `${this.host.name} did not come back within ${upTimeoutMs / 1000} s after the reboot (last: ${last})`, false);
  }

  private dropClient(): void {
    this.alive = false;
    this.generation++;
    const ssh = this.ssh;
    this.ssh = null;
    const client = ssh?.connection;
    ssh?.dispose();
    if (client) {
      // dispose() ends the connection politely; a host that no longer answers (cable cut) would
      // keep the socket and its keepalive timer for seconds more: destroy it if still open then.
      const force = setTimeout(() => client.destroy(), 1_000);
      force.unref();
      client.once('close', () => clearTimeout(force));
    }
  }

  /**
   * Closes the connection for good: a command under way loses its channel (ConnectionLostError),
   * a handshake under way is ended, and nothing reconnects it (ConnectionClosedError).
   */
  close(reason = 'closed by the bootstrap'): void {
    this.closedFor ??= reason;
    this.closing.abort();
    // Mid-handshake there is nothing to say goodbye to: the socket goes (and its ready timer).
    this.handshake?.connection?.destroy();
    this.markLost(reason);
    this.dropClient();
  }

  private throwIfClosed(): void {
    if (this.closedFor !== undefined) throw new ConnectionClosedError(this.host.name, this.closedFor);
  }
}

function isRetryable(message: string): boolean {
  if (/All configured authentication methods failed|verification failed|privateKey|Cannot parse privateKey/i.test(message)) return false;
  return true;
}
