// Progress while the run goes: a live task list (listr2) on a terminal, plain lines otherwise
// (not a TTY, or CI). Dry runs end with every command that would run, per host.
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { CommandRecord } from '../remote/session.ts';
import type { RunEvent, RunResult } from './runner.ts';
import type { ClusterHost } from '../remote/host.ts';

export interface Progress {
  start(hosts: readonly ClusterHost[]): void;
  event(event: RunEvent): void;
  command(record: CommandRecord): void;
  /** A notice for the operator (a recorded host key, the log file). */
  notice(message: string): void;
  finish(result: RunResult | undefined): Promise<void>;
}

export function useLiveProgress(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb';
}

const SYMBOL: Record<string, string> = { ok: 'ok', changed: 'changed', failed: 'FAILED', skipped: 'skipped' };

function unitLine(e: Extract<RunEvent, { type: 'unit-end' }>, dryRun: boolean): string {
  const status = e.status === 'changed' && dryRun ? 'would change' : SYMBOL[e.status];
  const detail = e.status === 'failed' || e.status === 'skipped' ? e.message : e.description;
  return `${e.step}: ${status}${detail ? ` (${detail})` : ''}`;
}

/** Dry-run listing: per host, each command that would run. */
function wouldRunLines(records: readonly CommandRecord[]): string[] {
  const byHost = new Map<string, CommandRecord[]>();
  for (const r of records) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r]);
  const lines: string[] = [];
  for (const [host, rs] of byHost) {
    lines.push(`${host}: would run`);
    for (const r of rs) lines.push(`  [${r.step ?? '-'}] ${r.command}${r.stdinBytes !== undefined ? `  <<< ${r.stdinBytes} bytes on stdin` : ''}`);
  }
  return lines;
}

export class PlainProgress implements Progress {
  private readonly wouldRun: CommandRecord[] = [];
  constructor(private readonly out: (line: string) => void, private readonly dryRun: boolean) {}

  start(): void {}

  event(e: RunEvent): void {
    if (e.type === 'unit-end') this.out(`[${e.host}] ${unitLine(e, this.dryRun)}`);
    else if (e.type === 'log') this.out(`[${e.host}] ${e.step}: ${e.message}`);
  }

  command(r: CommandRecord): void {
    if (r.wouldRun) {
      this.wouldRun.push(r);
      this.out(`[${r.host}] ${r.step ?? '-'}: would run: ${r.command}`);
    }
  }

  notice(message: string): void {
    this.out(message);
  }

  async finish(): Promise<void> {
    if (this.dryRun && this.wouldRun.length === 0) this.out('dry run: no command would change anything');
  }
}

interface HostTask {
  resolve: () => void;
  task?: ListrTaskWrapper<unknown, never, never>;
  lines: string[];
  failed: boolean;
}

export class LiveProgress implements Progress {
  private readonly tasks = new Map<string, HostTask>();
  private listr: Promise<unknown> | undefined;
  private readonly wouldRun: CommandRecord[] = [];
  private readonly notices: string[] = [];

  constructor(private readonly out: (line: string) => void, private readonly dryRun: boolean) {}

  start(hosts: readonly ClusterHost[]): void {
    const list = new Listr(
      hosts.map((h) => ({
        title: h.name,
        task: (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) =>
          new Promise<void>((resolve, reject) => {
            const entry: HostTask = { resolve: () => (entry.failed ? reject(new Error(`${h.name}: failed`)) : resolve()), task, lines: [], failed: false };
            this.tasks.set(h.name, entry);
          }),
      })),
      // listr2's own SIGINT handler would exit 127 at once: the run's stop (the CLI's handler) ends it.
      { concurrent: true, exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: false } } as never,
    );
    this.listr = list.run().catch(() => undefined);
  }

  event(e: RunEvent): void {
    const t = this.tasks.get(e.host);
    if (!t?.task) return;
    if (e.type === 'unit-start') t.task.title = `${e.host}: ${e.step}…`;
    else if (e.type === 'unit-end') {
      if (e.status === 'failed') t.failed = true;
      t.lines.push(unitLine(e, this.dryRun));
      t.task.output = t.lines.slice(-3).join('\n');
      t.task.title = e.host;
    } else t.task.output = `${e.step}: ${e.message}`;
  }

  command(r: CommandRecord): void {
    if (r.wouldRun) this.wouldRun.push(r);
  }

  notice(message: string): void {
    this.notices.push(message);
  }

  async finish(result: RunResult | undefined): Promise<void> {
    for (const [name, t] of this.tasks) {
      const r = result?.recap.get(name);
      if (t.task && r) t.task.title = `${name}  ok=${r.ok} changed=${r.changed} failed=${r.failed} skipped=${r.skipped}`;
      t.resolve();
    }
    await this.listr;
    for (const n of this.notices) this.out(n);
    for (const t of this.tasks.values()) if (t.failed) for (const l of t.lines) if (/FAILED/.test(l)) this.out(l);
    if (this.dryRun) {
      const lines = wouldRunLines(this.wouldRun);
      for (const l of lines.length ? lines : ['dry run: no command would change anything']) this.out(l);
    }
  }
}
