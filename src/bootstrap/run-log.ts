// The run's JSON-lines log: `.opencloud/runs/<timestamp>-<cluster>.jsonl`, one object per line with
// `ts` and `event`: run-start, connect, host-key-recorded, exec (every command, exit code, duration,
// output), unit-start, unit-end, log, stop (SIGINT/SIGTERM: why, and the grace before the
// connections close), run-end (the recap; `interrupted` when stopped). Every string is redacted on
// the way in.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redactor } from '../remote/redact.ts';

export const RUNS_DIR = join('.opencloud', 'runs');

/** `2026-11-25T15-30-00.123Z`: sortable, no colons (valid file name everywhere). */
export function runTimestamp(date = new Date()): string {
  return date.toISOString().replace(/:/g, '-');
}

export class RunLog {
  readonly file: string;

  constructor(cluster: string, private readonly redactor: Redactor, dir = RUNS_DIR, date = new Date()) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${runTimestamp(date)}-${cluster}.jsonl`);
  }

  write(event: string, fields: Record<string, unknown>): void {
    const record = { ts: new Date().toISOString(), event, ...(this.redactAll(fields) as Record<string, unknown>) };
    appendFileSync(this.file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }

  private redactAll(value: unknown): unknown {
    if (typeof value === 'string') return this.redactor.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactAll(v));
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, this.redactAll(v)]));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactAll(v)]));
    return value;
  }
}
