// An in-memory HostSession for unit tests: every command goes to a handler that answers like the
// remote host would; every command is recorded as the argv (or script) it was.
import type { ClusterHost, Command, ExecOptions, ExecResult, FileInfo, HostSession } from '../../src/remote/host.ts';
import { RemoteCommandError } from '../../src/remote/host.ts';

export type Handler = (argv: readonly string[], options: ExecOptions) => ExecResult | Promise<ExecResult>;

export const ok = (stdout = '', stderr = ''): ExecResult => ({ code: 0, stdout, stderr });
export const fail = (stderr: string, code = 1): ExecResult => ({ code, stdout: '', stderr });

export class FakeSession implements HostSession {
  readonly commands: (readonly string[])[] = [];
  readonly files = new Map<string, string>();

  constructor(
    private readonly handler: Handler,
    readonly host: ClusterHost = { name: 'juju', roles: ['juju'], address: '198.51.100.2', port: 22, user: 'root' },
    readonly dryRun = false,
  ) {}

  async exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const argv = Array.isArray(command) ? (command as readonly string[]) : ['sh', '-c', (command as { script: string }).script, 'sh', ...((command as { args?: string[] }).args ?? [])];
    this.commands.push(argv);
    if (this.dryRun && !options.readOnly) return ok();
    return this.handler(argv, options);
  }

  async run(command: Command, options: ExecOptions = {}): Promise<string> {
    const r = await this.exec(command, options);
    if (r.code !== 0) throw new RemoteCommandError(this.host.name, JSON.stringify(command), r);
    return r.stdout;
  }

  async readFile(path: string): Promise<string | null> {
    return this.files.get(path) ?? null;
  }

  async stat(path: string): Promise<FileInfo | null> {
    const f = this.files.get(path);
    return f === undefined ? null : { mode: 0o644, owner: 'root', group: 'root', size: f.length, inode: 1 };
  }

  async writeFile(path: string, content: string): Promise<void> {
    this.commands.push(['write', path]);
    this.files.set(path, content);
  }

  /** The node's host key as a run would have verified it. */
  hostKeyLine = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5vZGVIb3N0S2V5Tm9kZUhvc3RLZXlOb2RlSG9zdEtl';

  async hostKey(): Promise<string> {
    return this.hostKeyLine;
  }

  async reboot(): Promise<void> {
    this.commands.push(['reboot']);
  }

  /** The juju commands run, without `juju`. */
  get jujuCalls(): string[] {
    return this.commands.filter((c) => c[0] === 'juju').map((c) => c.slice(1).join(' '));
  }
}
