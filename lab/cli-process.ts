// `opencloud` as a child process that a test watches from outside while it runs: its output line
// by line, signals, its exit within a bound, and what it may have left behind (processes of its
// process group, TCP connections). The CLI runs in a process group of its own (pgid = its pid), so
// anything it started and left running still carries that pgid after it exited.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { run } from './proc.ts';

const OPENCLOUD = new URL('../bin/opencloud.js', import.meta.url).pathname;

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly pid: number;
  /** Resolves with the first line of `stream` matching `pattern`; rejects if the process exits first. */
  line(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<string>;
  signal(signal: NodeJS.Signals): void;
  /**
   * Resolves when the process has exited. After `limitMs` (a guard against a hang, not a timing
   * goal) it rejects, naming the connections the process still holds, and kills its process group.
   */
  exited(limitMs: number): Promise<CliExit>;
}

/** Starts `opencloud ARGS` in `cwd` with plain output (CI=1), as an operator or a CI job would. */
export function startOpencloud(args: readonly string[], cwd: string): CliProcess {
  const child: ChildProcess = spawn(process.execPath, [OPENCLOUD, ...args], {
    cwd,
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let closed: CliExit | undefined;
  const unmatched = () => {
    for (const w of watchers.splice(0)) w.reject(new Error(`opencloud exited (${closed!.code ?? closed!.signal}) before printing a line matching ${w.pattern}:\n${stdout}${stderr}`));
  };
  const exit = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => {
      closed = { code, signal, stdout, stderr };
      unmatched();
      resolve(closed);
    });
  });
  const scan = () => {
    const lines = { stdout: stdout.split('\n').slice(0, -1), stderr: stderr.split('\n').slice(0, -1) };
    for (const w of [...watchers]) {
      const found = lines[w.stream].find((l) => w.pattern.test(l));
      if (found !== undefined) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    scan();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    scan();
  });

  return {
    pid,
    line(pattern, stream = 'stdout') {
      return new Promise((resolve, reject) => {
        watchers.push({ pattern, stream, resolve, reject });
        scan();
        if (closed) unmatched();
      });
    },
    signal(signal) {
      child.kill(signal);
    },
    async exited(limitMs) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), limitMs)));
      const outcome = await Promise.race([exit, limit]);
      clearTimeout(timer);
      if (outcome !== 'hung') return outcome;
      const held = await tcpConnectionsOf(pid);
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      await exit;
      throw new Error(
        `opencloud (pid ${pid}) had not exited ${limitMs / 1000} s later; it still held:\n${held.join('\n') || '(no TCP connection)'}\n` +
          `--- its output ---\n${stdout}${stderr}`,
      );
    },
  };
}

/** Established TCP connections of a process (`ss -tnp` in this network namespace). */
export async function tcpConnectionsOf(pid: number): Promise<string[]> {
  const r = await run('ss', ['-Htnp', 'state', 'established']);
  return r.stdout.split('\n').filter((l) => l.includes(`pid=${pid},`));
}

/** Established TCP connections from this network namespace to any of these addresses' SSH port. */
export async function sshConnectionsTo(addresses: readonly string[]): Promise<string[]> {
  const r = await run('ss', ['-Htnp', 'state', 'established', '( dport = :22 )']);
  return r.stdout.split('\n').filter((l) => addresses.some((a) => l.includes(` ${a}:22 `)));
}

/** Live processes still in this process group (pid: command line), read from /proc. */
export function processGroupMembers(pgid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/PID/stat is the pgid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie (state Z) has ended; only its parent has yet to reap it.
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') continue;
      members.push(`${entry}: ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      /* exited while read */
    }
  }
  return members;
}
