// A bootstrap run without a network: the real runner, the real steps and the real RemoteHost
// (quoting, `sudo -n`, atomic writes), over a fake SSH connection. Every command line RemoteHost
// would send is parsed by real local shells (dash as `sh`, and bash, the usual login shell on
// Ubuntu) into the argv they would run, and recorded next to the argv the step asked for. The
// answers come from a small in-memory host and Juju, enough for every compute step to apply.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshConnection } from '../../src/remote/connection.ts';
import { commandArgv, needsSudo } from '../../src/remote/quoting.ts';
import { Redactor } from '../../src/remote/redact.ts';
import { ATOMIC_WRITE_SCRIPT, MISSING_FILE_EXIT } from '../../src/remote/remote-file.ts';
import type { SessionProvider } from '../../src/bootstrap/runner.ts';
import { RemoteHost, type RemoteHostOptions } from '../../src/remote/session.ts';
import type { ClusterHost, Command, ExecOptions, ExecResult } from '../../src/remote/host.ts';

export const SHELLS = ['sh', 'bash'] as const;

/** One command: what the step meant, the line sent, and the argv each shell makes of the line. */
export interface Recorded {
  readonly host: string;
  readonly step?: string;
  readonly intended: readonly string[];
  readonly line: string;
  readonly parsed: Readonly<Record<(typeof SHELLS)[number], readonly string[]>>;
  /** Anything a shell printed on stderr while parsing (an expansion that ran would show here). */
  readonly stderr: string;
}

// A shell function that prints its arguments NUL-separated: `dump LINE` shows the words the shell
// makes of LINE (quotes removed, expansions done), exactly as it would hand them to the command.
const DUMP = 'dump() { for a in "$@"; do printf "%s\\0" "$a"; done; }; dump ';
const scratch = mkdtempSync(join(tmpdir(), 'opencloud-injection-'));

/** Removes the shells' working directory; returns what was in it (nothing, unless a line ran a command). */
export function removeScratch(): string[] {
  const left = readdirSync(scratch);
  rmSync(scratch, { recursive: true, force: true });
  return left;
}

export function parseWithShell(shell: string, line: string): { argv: string[]; stderr: string } {
  const r = spawnSync(shell, ['-c', DUMP + line], { cwd: scratch, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: scratch } });
  const argv = r.stdout.split('\0');
  argv.pop(); // after the last NUL
  return { argv, stderr: r.stderr + (r.status !== 0 ? `(${shell} exited ${r.status})` : '') };
}

const JUJU_HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1K2p3Jm9yZ2FuaWNmYWtla2V5Zm9ydGVzdHNvbmx5';
const NODE_HOST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE5vZGVIb3N0S2V5Tm9kZUhvc3RLZXlOb2RlSG9zdEtl';
const ok = (stdout = '', stderr = ''): ExecResult => ({ code: 0, stdout, stderr });
const missing = (): ExecResult => ({ code: MISSING_FILE_EXIT, stdout: '', stderr: 'opencloud: no such file\n' });

export interface FakeWorld {
  /** What `printf %s "$HOME"` answers on every host (a hostile home directory is allowed). */
  readonly home: string;
  /** Hardware facts script output per compute node name. */
  readonly facts: (host: ClusterHost) => string;
}

/** The in-memory Juju environment and files, shared by every host of the run. */
class World {
  readonly files = new Map<string, string>();
  private readonly machines: { id: string; address: string }[] = [{ id: '0', address: 'juju-host' }];
  private readonly services = new Map<string, { units: { name: string; machine: string }[]; relations: Map<string, Set<string>>; settings: Record<string, string> }>();

  constructor(readonly opts: FakeWorld) {
    for (const s of ['mysql', 'rabbitmq-server', 'glance', 'nova-cloud-controller', 'nagios', 'ntp', 'nrpe', 'ceilometer-agent']) this.service(s);
  }

  private service(name: string) {
    let s = this.services.get(name);
    if (!s) this.services.set(name, (s = { units: [], relations: new Map(), settings: {} }));
    return s;
  }

  status(): string {
    return JSON.stringify({
      environment: 'fake',
      machines: Object.fromEntries(
        this.machines.map((m) => [m.id, { 'agent-state': 'started', 'dns-name': m.address, 'instance-id': `manual:${m.address}`, series: 'trusty' }]),
      ),
      services: Object.fromEntries(
        [...this.services].map(([name, s]) => [
          name,
          {
            charm: `cs:trusty/${name}-1`,
            exposed: false,
            relations: Object.fromEntries([...s.relations].map(([ep, others]) => [ep, [...others]])),
            units: Object.fromEntries(s.units.map((u) => [u.name, { 'agent-state': 'started', machine: u.machine, 'public-address': u.machine }])),
          },
        ]),
      ),
    });
  }

  juju(args: readonly string[]): ExecResult {
    const [cmd, ...rest] = args;
    const positional = rest.filter((a, i) => !a.startsWith('-') && !['--to', '--config'].includes(rest[i - 1] ?? ''));
    const flag = (name: string) => rest[rest.indexOf(name) + 1];
    switch (cmd) {
      case 'status':
        return ok(this.status());
      case 'add-machine': {
        const address = positional[0]!.replace(/^ssh:.*@/, '');
        const id = String(this.machines.length);
        this.machines.push({ id, address });
        return ok('', `created machine ${id}\n`);
      }
      case 'deploy':
      case 'add-unit': {
        const s = this.service(positional[positional.length - 1]!);
        s.units.push({ name: `${positional[positional.length - 1]}/${s.units.length}`, machine: flag('--to') ?? '0' });
        return ok();
      }
      case 'add-relation': {
        const [a, b] = positional.map((p) => p.split(':')) as [string[], string[]];
        this.service(a[0]!).relations.set(a[1] ?? b[0]!, new Set([...(this.service(a[0]!).relations.get(a[1] ?? b[0]!) ?? []), b[0]!]));
        this.service(b[0]!).relations.set(b[1] ?? a[0]!, new Set([...(this.service(b[0]!).relations.get(b[1] ?? a[0]!) ?? []), a[0]!]));
        return ok();
      }
      case 'get':
        return ok(JSON.stringify({ service: positional[0], settings: Object.fromEntries(Object.entries(this.service(positional[0]!).settings).map(([k, v]) => [k, { value: v }])) }));
      case 'set':
        for (const kv of positional.slice(1)) this.service(positional[0]!).settings[kv.split('=')[0]!] = kv.split('=').slice(1).join('=');
        return ok();
      default:
        return { code: 1, stdout: '', stderr: `ERROR unknown juju command ${cmd}\n` };
    }
  }

  /** The answer to one command (sudo prefix already removed). */
  answer(host: ClusterHost, argv: readonly string[], stdin: string | undefined): ExecResult {
    if (argv[0] === 'juju') return this.juju(argv.slice(1));
    if (argv[0] === 'sh' && argv[1] === '-c') {
      const script = argv[2]!;
      const args = argv.slice(4);
      if (script === 'printf %s "$HOME"') return ok(this.opts.home);
      if (script.startsWith('echo "== cpu"')) return ok(this.opts.facts(host));
      if (script === ATOMIC_WRITE_SCRIPT) {
        this.files.set(`${host.name}:${args[0]}`, stdin ?? '');
        return ok();
      }
      if (script.includes('exec cat --')) {
        // The Juju host has Juju's key pair (juju-key authorizes its public half on the nodes).
        if (host.roles.includes('juju') && args[0]!.endsWith('/.juju/ssh/juju_id_rsa.pub')) return ok(`${JUJU_HOST_KEY} juju@fake\n`);
        const f = this.files.get(`${host.name}:${args[0]}`);
        return f === undefined ? missing() : ok(f);
      }
      if (script.includes('exec stat')) {
        // The reboot flag exists once, so compute-config reboots the node.
        if (args[0] === '/var/run/reboot-required' && !this.files.has(`${host.name}:rebooted`)) return ok('644 root root 0 42\n');
        return missing();
      }
      if (script.includes('/proc/sys/')) return ok(args.map((k) => `${k} 0`).join('\n') + '\n');
      return ok(); // mkdir, ssh-keygen and other constant scripts
    }
    if (argv[0] === 'test') return { code: 1, stdout: '', stderr: '' };
    if (argv[0] === 'dpkg-query') return { code: 1, stdout: '', stderr: 'no packages found\n' };
    if (argv[0] === 'reboot') {
      this.files.set(`${host.name}:rebooted`, '');
      return ok();
    }
    return ok(); // ssh probe, apt-get, mkdir, sysctl: succeed
  }
}

/** The connection RemoteHost talks to: parses each line with real shells and answers from the world. */
class ParsingConnection {
  /** Set by RecordingHost right before RemoteHost calls exec (synchronously, in the same tick). */
  pending?: { intended: readonly string[]; step?: string };

  constructor(
    readonly host: ClusterHost,
    private readonly world: World,
    private readonly record: (r: Recorded) => void,
  ) {}

  async exec(line: string, opts: { stdin?: string } = {}): Promise<ExecResult> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) throw new Error(`command line without an intended argv: ${line}`);
    const runs = SHELLS.map((s) => parseWithShell(s, line));
    this.record({
      host: this.host.name,
      ...(pending.step ? { step: pending.step } : {}),
      intended: pending.intended,
      line,
      parsed: { sh: runs[0]!.argv, bash: runs[1]!.argv },
      stderr: runs.map((r) => r.stderr).join(''),
    });
    const argv = runs[0]!.argv;
    const body = argv[0] === 'sudo' ? argv.slice(3) : argv;
    return this.world.answer(this.host, body, opts.stdin);
  }

  async hostKey(): Promise<string> {
    return NODE_HOST_KEY;
  }

  async waitForClose(): Promise<void> {}
  async reconnectWithin(): Promise<void> {}
}

class RecordingHost extends RemoteHost {
  constructor(
    private readonly conn: ParsingConnection,
    private readonly stepId: string | undefined,
    opts: RemoteHostOptions,
  ) {
    super(opts);
  }

  override exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const prefix = options.sudo && needsSudo(this.host.user) ? ['sudo', '-n', '--'] : [];
    this.conn.pending = { intended: [...prefix, ...commandArgv(command)], ...(this.stepId ? { step: this.stepId } : {}) };
    return super.exec(command, options);
  }
}

/** Sessions for runSteps over parsing connections; `recorded` collects every command. */
export function recordingSessions(hosts: readonly ClusterHost[], world: FakeWorld): { sessions: SessionProvider; recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  const w = new World(world);
  const conns = new Map(hosts.map((h) => [h.name, new ParsingConnection(h, w, (r) => recorded.push(r))]));
  const redactor = new Redactor();
  return {
    recorded,
    sessions: {
      async session(hostName, use) {
        const conn = conns.get(hostName)!;
        return new RecordingHost(conn, use.step, {
          connection: conn as unknown as SshConnection,
          dryRun: false,
          phase: use.phase,
          step: use.step,
          mayReboot: use.mayReboot,
          redactor,
          onCommand: () => {},
        });
      },
      secret: (v) => redactor.add(v),
    },
  };
}
