// Benchmark: synthesis of one stack, each run in a fresh child process as `npx tsx stacks/main.ts`
// would be. Wall time is the whole process (Node and tsx start-up, imports, synthesis, writing);
// peak RSS is the child's own `process.resourceUsage().maxRSS`.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, clusterWithNodes } from './inventories.ts';
import { fmt, spread, table, type Spread } from './stats.ts';
import type { BenchContext, BenchSection, SectionResult } from './section.ts';

const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const CHILD = join(import.meta.dirname, 'synth-child.ts');

interface ChildReport {
  readonly importMs: number;
  readonly synthMs: number;
  readonly cpuMs: number;
  readonly maxRssMiB: number;
}

interface Run extends ChildReport {
  readonly wallMs: number;
}

export interface SynthCase {
  readonly label: string;
  /** One inventory, or several synthesized together into one App. */
  readonly inventory: string | readonly string[];
  readonly barrel?: boolean;
  /** Goals the case must meet (the figures). */
  readonly maxWallMs?: number;
  readonly maxRssMiB?: number;
}

function runOnce(c: SynthCase, outdir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const inventories = typeof c.inventory === 'string' ? [c.inventory] : c.inventory;
    const args = [TSX, CHILD, ...inventories.flatMap((f) => ['--inventory', f]), '--outdir', outdir, ...(c.barrel ? ['--barrel'] : [])];
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      rmSync(outdir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`${c.label}: synthesis exited ${code}:\n${err.trim()}`));
      try {
        const report = JSON.parse(out.trim().split('\n').pop() ?? '') as ChildReport;
        resolve({ ...report, wallMs });
      } catch {
        reject(new Error(`${c.label}: no report from the child:\n${out}${err}`));
      }
    });
  });
}

export interface CaseResult {
  readonly case: SynthCase;
  readonly wallMs: Spread;
  readonly importMs: Spread;
  readonly synthMs: Spread;
  readonly cpuMs: Spread;
  readonly rssMiB: Spread;
  readonly ok: boolean;
}

/** `warmup`: the case run once, unmeasured, first (default: this case itself). */
export async function benchCase(c: SynthCase, runs: number, dir: string, log: (line: string) => void, warmup: SynthCase = c): Promise<CaseResult> {
  const results: Run[] = [];
  // One warm-up run fills tsx's transform cache, as any second synthesis on a machine would find it.
  await runOnce(warmup, join(dir, 'warmup'));
  for (let i = 0; i < runs; i++) {
    results.push(await runOnce(c, join(dir, `out-${i}`)));
    const r = results[i]!;
    log(`  ${c.label}: run ${i + 1}/${runs} ${Math.round(r.wallMs)} ms wall, ${r.cpuMs} ms CPU, ${r.maxRssMiB} MiB`);
  }
  const wallMs = spread(results.map((r) => r.wallMs));
  const rssMiB = spread(results.map((r) => r.maxRssMiB));
  const ok = (c.maxWallMs === undefined || wallMs.median < c.maxWallMs) && (c.maxRssMiB === undefined || rssMiB.max < c.maxRssMiB);
  return {
    case: c,
    wallMs,
    importMs: spread(results.map((r) => r.importMs)),
    synthMs: spread(results.map((r) => r.synthMs)),
    cpuMs: spread(results.map((r) => r.cpuMs)),
    rssMiB,
    ok,
  };
}

const goal = (c: SynthCase) =>
  [c.maxWallMs !== undefined ? `< ${c.maxWallMs / 1000} s` : '', c.maxRssMiB !== undefined ? `< ${c.maxRssMiB} MiB` : ''].filter(Boolean).join(', ') || 'comparison';

export const synthSection: BenchSection = {
  id: 'synth',
  title: 'Synthesis (stacks/)',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const dir = benchDir();
    try {
      const big = clusterWithNodes(dir, 200);
      const cases: SynthCase[] = [
        { label: 'example (3 nodes)', inventory: 'inventory/example.yaml', maxWallMs: 3000 },
        { label: 'generated, 200 nodes', inventory: big, maxWallMs: 5000, maxRssMiB: 400 },
        { label: 'example, provider barrel loaded', inventory: 'inventory/example.yaml', barrel: true },
      ];
      const results: CaseResult[] = [];
      for (const c of cases) results.push(await benchCase(c, ctx.runs, dir, ctx.log));
      const [example, , barrel] = results;
      const ratio = (a: Spread, b: Spread) => (a.median / b.median).toFixed(1);
      const markdown = [
        `Each run is a fresh \`node tsx bench/synth-child.ts\` process (load and validate the inventory, build the stack, synthesize, write \`cdk.tf.json\`), after one warm-up run; ${ctx.runs} runs per case, min / **median** / max. Wall = whole process as the parent sees it (including tsx's own launcher process); import = loading cdktf, constructs, the provider classes and stacks/; synth = inventory to written file; CPU = user + system time of the synthesizing process, much less sensitive than wall time to other load on the machine. A goal is met when the median wall time and the largest peak RSS are under it.`,
        '',
        table(
          ['case', 'wall', 'import', 'synth', 'CPU (child)', 'peak RSS', 'goal', 'met'],
          results.map((r) => [
            r.case.label,
            fmt(spread([r.wallMs.min, r.wallMs.median, r.wallMs.max].map((v) => v / 1000)), 's', 2),
            fmt(r.importMs, 'ms'),
            fmt(r.synthMs, 'ms'),
            fmt(r.cpuMs, 'ms'),
            fmt(r.rssMiB, 'MiB'),
            goal(r.case),
            r.case.maxWallMs === undefined && r.case.maxRssMiB === undefined ? '' : r.ok ? 'yes' : '**no**',
          ]),
        ),
        '',
        `Provider barrel vs deep imports (example, medians): wall ×${ratio(barrel!.wallMs, example!.wallMs)}, import ×${ratio(barrel!.importMs, example!.importMs)}, peak RSS ×${ratio(barrel!.rssMiB, example!.rssMiB)}.`,
      ].join('\n');
      return { markdown, ok: results.every((r) => r.ok) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
