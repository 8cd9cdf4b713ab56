// Runs a checkout's own `stacks/main.ts` (the code of that version, not ours) and reads what it
// wrote. cdktf's App honours CDKTF_OUTDIR, so nothing lands in the checkout's cdktf.out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error.ts';
import { findStacksDir, readStacksDir, type SynthesizedStacks } from '../terraform/terraform-json.ts';

export const STACKS_ENTRY = join('stacks', 'main.ts');

export interface SynthesisOptions {
  /** Root of the checkout to synthesize (holds stacks/main.ts and inventory/). */
  readonly checkout: string;
  /** How the result is named in the output. */
  readonly label: string;
  /** One inventory (OPENCLOUD_INVENTORY) instead of every inventory/*.yaml. */
  readonly inventory?: string;
  readonly timeoutMs?: number;
}

export async function synthesize(opts: SynthesisOptions): Promise<SynthesizedStacks> {
  if (!existsSync(join(opts.checkout, STACKS_ENTRY))) {
    return { label: opts.label, stacks: new Map(), notes: [`${opts.label} has no ${STACKS_ENTRY}: it synthesizes no stacks.`] };
  }
  const outDir = mkdtempSync(join(tmpdir(), 'opencloud-synth-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outDir, CHECKPOINT_DISABLE: '1' };
    if (opts.inventory) env.OPENCLOUD_INVENTORY = opts.inventory;
    await run(process.execPath, [tsxCli(opts.checkout), STACKS_ENTRY], opts.checkout, env, opts.timeoutMs ?? 300_000, opts.label);
    // A version whose App ignores CDKTF_OUTDIR wrote into its own cdktf.out.
    const stacksDir = findStacksDir(outDir) ?? findStacksDir(join(opts.checkout, 'cdktf.out'));
    if (!stacksDir) return { label: opts.label, stacks: new Map(), notes: [`${opts.label} synthesized no stacks.`] };
    return readStacksDir(stacksDir, opts.label);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The checkout's own tsx when it has one, ours otherwise. */
function tsxCli(checkout: string): string {
  for (const base of [join(checkout, 'package.json'), import.meta.url]) {
    try {
      return createRequire(base).resolve('tsx/cli');
    } catch {
      // try the next one
    }
  }
  throw new CliError('tsx is not installed: run npm ci');
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CliError(`cannot synthesize ${label}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-25).join('\n');
      reject(new CliError(`synthesizing ${label} failed (${signal ? `killed by ${signal}` : `exit ${code}`}):\n${tail}`));
    });
  });
}
