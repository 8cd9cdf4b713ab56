// Benchmark: `opencloud validate` over many inventories, each run a fresh `node bin/opencloud.js
// validate FILE...` process as an operator or CI would start it. CPU time and peak RSS come from
// the child itself (bench/usage-preload.mjs, on file descriptor 3).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDir, clusterWithNodes } from './inventories.ts';
import type { BenchContext, BenchSection, SectionResult } from './section.ts';
import { fmt, spread, table, type Spread } from './stats.ts';

const CLI = fileURLToPath(new URL('../bin/opencloud.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./usage-preload.mjs', import.meta.url));
export const VALIDATE_FILES = 100;
const NODES_PER_FILE = 10;

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  readonly code: number | null;
  readonly lines: number;
}

function validateOnce(files: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI, 'validate', ...files], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let usage = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (d: string) => (usage += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        const u = JSON.parse(usage.trim()) as { cpuMs: number; maxRssMiB: number };
        resolve({ wallMs, ...u, code, lines: out.split('\n').filter(Boolean).length });
      } catch {
        reject(new Error(`validate: no usage report from the child (exit ${code}): ${err.trim()}`));
      }
    });
  });
}

interface Case {
  readonly label: string;
  readonly files: readonly string[];
  readonly expectCode: number;
  /** Lines of output expected (one per problem, or the one summary line). */
  readonly expectLines: number;
}

export const validateSection: BenchSection = {
  id: 'validate',
  title: `Validation of ${VALIDATE_FILES} inventories (opencloud validate)`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const dir = benchDir();
    try {
      const valid = Array.from({ length: VALIDATE_FILES }, (_, i) =>
        clusterWithNodes(dir, NODES_PER_FILE, 'inventory/example.yaml', `site-${String(i + 1).padStart(3, '0')}`),
      );
      // The same files with one problem each, at a different place in every file.
      const invalid = valid.map((file, i) => {
        const bad = file.replace(/\.yaml$/, '-bad.yaml');
        const lines = readFileSync(file, 'utf8').split('\n');
        const at = lines.findIndex((l) => l.includes(`name: compute-${(i % NODES_PER_FILE) + 1}`)) + 1;
        lines[at] = lines[at]!.replace(/publicIp: .*/, 'publicIp: 198.51.100.300');
        writeFileSync(bad, lines.join('\n'));
        return bad;
      });
      const cases: Case[] = [
        { label: '1 file (inventory/example.yaml)', files: ['inventory/example.yaml'], expectCode: 0, expectLines: 1 },
        { label: `${VALIDATE_FILES} valid files`, files: valid, expectCode: 0, expectLines: 1 },
        { label: `${VALIDATE_FILES} files, one problem each`, files: invalid, expectCode: 1, expectLines: VALIDATE_FILES },
      ];
      const rows: string[][] = [];
      const medians: Spread[] = [];
      for (const c of cases) {
        await validateOnce(c.files); // warm-up: tsx's transform cache
        const runs: Run[] = [];
        for (let i = 0; i < ctx.runs; i++) {
          const r = await validateOnce(c.files);
          if (r.code !== c.expectCode || r.lines !== c.expectLines) {
            throw new Error(`${c.label}: validate exited ${r.code} with ${r.lines} line(s); expected ${c.expectCode} with ${c.expectLines}`);
          }
          runs.push(r);
          ctx.log(`  ${c.label}: run ${i + 1}/${ctx.runs} ${Math.round(r.wallMs)} ms wall, ${r.cpuMs} ms CPU, ${r.maxRssMiB} MiB`);
        }
        const wall = spread(runs.map((r) => r.wallMs));
        medians.push(wall);
        rows.push([c.label, String(c.expectCode), fmt(wall, 'ms'), fmt(spread(runs.map((r) => r.cpuMs)), 'ms'), fmt(spread(runs.map((r) => r.maxRssMiB)), 'MiB')]);
      }
      const perFile = (medians[1]!.median - medians[0]!.median) / (VALIDATE_FILES - 1);
      const markdown = [
        `Each run is a fresh \`node bin/opencloud.js validate FILE...\` process over files generated in a temporary directory (the example with ${NODES_PER_FILE} compute nodes, under ${VALIDATE_FILES} different names; the invalid set has one bad \`publicIp\` per file, each reported at its line and column). One warm-up run per case, then ${ctx.runs} runs, min / **median** / max. CPU and peak RSS are the child's own (\`process.resourceUsage()\` at exit). No goal was set: the figures show the fixed start-up cost (Node, tsx, zod, yaml) against the cost per file.`,
        '',
        table(['case', 'exit', 'wall', 'CPU (child)', 'peak RSS'], rows),
        '',
        `Cost per additional valid file (medians): ${perFile.toFixed(1)} ms.`,
      ].join('\n');
      return { markdown, ok: true };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
