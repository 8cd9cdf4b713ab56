import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (never rejects on a non-zero exit; spawn failures do reject). */
export function run(
  file: string,
  args: readonly string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits without reading its input must not fail the call with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run, but throws with the command's stderr unless it exits 0. */
export async function runChecked(file: string, args: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

const OPENCLOUD = new URL('../bin/opencloud.js', import.meta.url).pathname;

/** `opencloud ARGS` as an operator runs it (plain output: CI=1), in `cwd`. */
export function opencloud(args: readonly string[], cwd: string): Promise<RunResult> {
  return run(process.execPath, [OPENCLOUD, ...args], { cwd, env: { ...process.env, CI: '1' } });
}
