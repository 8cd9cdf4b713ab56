// HostSession over a host's shared connection, for one step and phase: quoting, `sudo -n`, dry-run
// recording, atomic file writes, reboots, and a record of every command for the run log. Once the
// run's signal is aborted (SIGINT, SIGTERM) no command starts.
import type { SshConnection } from './connection.ts';
import { CommandNotStartedError, stopReason } from './interruption.ts';
import { commandLine } from './quoting.ts';
import type { Redactor } from './redact.ts';
import { atomicWriteCommand, isMissing, parseStat, readFileCommand, statCommand } from './remote-file.ts';
import { RemoteCommandError, type ClusterHost, type Command, type ExecOptions, type ExecResult, type FileInfo, type HostSession, type ReadFileOptions, type RebootOptions, type WriteFileOptions } from './host.ts';

export type Phase = 'check' | 'apply';

/** One command, as the run log and the dry-run listing see it (already redacted). */
export interface CommandRecord {
  readonly host: string;
  readonly step?: string;
  readonly phase: Phase;
  readonly command: string;
  /** True when the command was only recorded (dry run), not run. */
  readonly wouldRun: boolean;
  readonly code?: number | null;
  readonly signal?: string;
  readonly ms?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Size of the input, when one was given (its content is never logged). */
  readonly stdinBytes?: number;
  readonly error?: string;
}

export interface RemoteHostOptions {
  readonly connection: SshConnection;
  readonly dryRun: boolean;
  readonly phase: Phase;
  readonly step?: string;
  /** The step may reboot this host. */
  readonly mayReboot?: boolean;
  readonly redactor: Redactor;
  readonly onCommand: (record: CommandRecord) => void;
  readonly onLog?: (message: string) => void;
  /** The run's stop signal: once aborted, every command is refused before it starts. @default never stopped */
  readonly signal?: AbortSignal;
}

const OUTPUT_LOG_LIMIT = 8 * 1024;

export class RemoteHost implements HostSession {
  constructor(private readonly opts: RemoteHostOptions) {}

  get host(): ClusterHost {
    return this.opts.connection.host;
  }

  get dryRun(): boolean {
    return this.opts.dryRun;
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  async exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const line = commandLine(command, { sudo: options.sudo ?? false, user: this.host.user });
    const shown = this.opts.redactor.redact(line);
    const base = {
      host: this.host.name,
      ...(this.opts.step ? { step: this.opts.step } : {}),
      phase: this.opts.phase,
      command: shown,
      ...(options.stdin !== undefined ? { stdinBytes: Buffer.byteLength(options.stdin) } : {}),
    };
    if (this.opts.signal?.aborted) {
      const reason = stopReason(this.opts.signal);
      this.opts.onCommand({ ...base, wouldRun: false, error: `not started (${reason})` });
      throw new CommandNotStartedError(this.host.name, shown, reason);
    }
    const readOnly = this.opts.phase === 'check' || options.readOnly === true;
    if (this.opts.dryRun && !readOnly) {
      this.opts.onCommand({ ...base, wouldRun: true });
      return { code: 0, stdout: '', stderr: '' };
    }
    const started = Date.now();
    try {
      const result = await this.opts.connection.exec(line, {
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      this.opts.onCommand({
        ...base,
        wouldRun: false,
        code: result.code,
        ...(result.signal ? { signal: result.signal } : {}),
        ms: Date.now() - started,
        stdout: this.forLog(result.stdout),
        stderr: this.forLog(result.stderr),
      });
      return result;
    } catch (err) {
      this.opts.onCommand({ ...base, wouldRun: false, ms: Date.now() - started, error: this.opts.redactor.redact(String((err as Error).message ?? err)) });
      throw err;
    }
  }

  async run(command: Command, options: ExecOptions = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code !== 0) {
      const shown = this.opts.redactor.redact(commandLine(command, { sudo: options.sudo ?? false, user: this.host.user }));
      throw new RemoteCommandError(this.host.name, shown, {
        ...result,
        stdout: this.opts.redactor.redact(result.stdout),
        stderr: this.opts.redactor.redact(result.stderr),
      });
    }
    return result.stdout;
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<string | null> {
    const command = readFileCommand(path);
    const result = await this.exec(command, { sudo: options.sudo ?? true, readOnly: true });
    if (result.code === 0) return result.stdout;
    if (isMissing(result)) return null;
    throw new RemoteCommandError(this.host.name, `read ${path}`, result);
  }

  async stat(path: string, options: ReadFileOptions = {}): Promise<FileInfo | null> {
    const result = await this.exec(statCommand(path), { sudo: options.sudo ?? true, readOnly: true });
    if (result.code === 0) return parseStat(result.stdout);
    if (isMissing(result)) return null;
    throw new RemoteCommandError(this.host.name, `stat ${path}`, result);
  }

  async writeFile(path: string, content: string, options: WriteFileOptions = {}): Promise<void> {
    const sudo = options.sudo ?? true;
    const asRoot = sudo || this.host.user === 'root';
    const owner = options.owner ?? (asRoot ? 'root' : '');
    await this.run(atomicWriteCommand(path, options.mode ?? 0o644, owner), { sudo, stdin: content });
  }

  hostKey(): Promise<string> {
    return this.opts.connection.hostKey();
  }

  async reboot(options: RebootOptions = {}): Promise<void> {
    if (!this.opts.dryRun && !this.opts.mayReboot) {
      throw new Error(`step ${this.opts.step ?? '?'} rebooted ${this.host.name} but is not declared mayReboot`);
    }
    if (this.opts.phase === 'check') throw new Error(`step ${this.opts.step ?? '?'}: reboot in check (check must change nothing)`);
    const conn = this.opts.connection;
    const downTimeoutMs = options.downTimeoutMs ?? 120_000;
    const upTimeoutMs = options.upTimeoutMs ?? 600_000;
    this.opts.onLog?.('rebooting');
    const started = Date.now();
    try {
      await this.exec(['reboot'], { sudo: true });
    } catch {
      // The connection may die before `reboot` reports back: that is the reboot happening.
    }
    if (this.opts.dryRun) return;
    await conn.waitForClose(downTimeoutMs).catch(() => {
      throw new Error(`${this.host.name} did not go down within ${downTimeoutMs / 1000} s after \`reboot\``);
    });
    const down = Date.now();
    this.opts.onLog?.('down; waiting for it to come back');
    await conn.reconnectWithin(upTimeoutMs);
    this.opts.onLog?.(`back after ${((Date.now() - started) / 1000).toFixed(1)} s (down ${((down - started) / 1000).toFixed(1)} s after reboot)`);
  }

  private forLog(text: string): string {
    const t = text.length > OUTPUT_LOG_LIMIT ? `${text.slice(0, OUTPUT_LOG_LIMIT)}... [${text.length - OUTPUT_LOG_LIMIT} more characters]` : text;
    return this.opts.redactor.redact(t);
  }
}
