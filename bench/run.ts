// `npm run bench [-- --runs N] [--only ID,...] [--out FILE]`: runs the benchmark sections and
// writes BENCHMARKS.md. With --only, the other sections of an existing file are kept as they were
// (each section says when it was measured). Exit 1 when a section misses a goal, 2 on usage errors.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import type { BenchSection } from './section.ts';
import { deploySection } from './deploy.ts';
import { fleetSection } from './fleet.ts';
import { labSection } from './lab.ts';
import { synthSection } from './synth.ts';
import { validateSection } from './validate.ts';

/** Every section, in report order. Add new ones here. */
export const SECTIONS: readonly BenchSection[] = [synthSection, fleetSection, validateSection, labSection, deploySection];

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--runs N] [--only ${SECTIONS.map((s) => s.id).join(',')}] [--out FILE]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]) {
  let runs = 5;
  let only: string[] | undefined;
  let out = 'BENCHMARKS.md';
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? usage(`${argv[i - 1]} needs a value`);
    switch (argv[i]) {
      case '--runs':
        runs = Number(value());
        if (!Number.isInteger(runs) || runs < 1) usage('--runs must be a whole number from 1');
        break;
      case '--only':
        only = value().split(',');
        for (const id of only) if (!SECTIONS.some((s) => s.id === id)) usage(`no section "${id}"`);
        break;
      case '--out':
        out = value();
        break;
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  return { runs, only, out };
}

function machine(): string {
  const cpu = cpus();
  return [
    `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${osType()} ${release()}`,
    `- Node ${process.version}`,
    `- Date: ${now()}`,
  ].join('\n');
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** When a section was measured, and how busy the machine was (other work shows in the spread). */
const measured = () =>
  `_Measured ${now()}; load average at start (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' / ')}._`;

/** The `## TITLE` sections of an existing report, by title, verbatim. */
function previousSections(file: string): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(file)) return sections;
  for (const block of readFileSync(file, 'utf8').split(/^(?=## )/m).slice(1)) {
    const title = block.slice(3, block.indexOf('\n'));
    sections.set(title, block.trimEnd());
  }
  return sections;
}

async function main(): Promise<number> {
  const { runs, only, out } = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const header = machine();
  const previous = only ? previousSections(out) : new Map<string, string>();
  const parts = ['# Benchmarks', '', 'Written by `npm run bench` (bench/run.ts); do not edit by hand.', '', header];
  let ok = true;
  for (const section of SECTIONS) {
    if (only && !only.includes(section.id)) {
      const kept = previous.get(section.title);
      if (kept) parts.push('', kept);
      continue;
    }
    log(`${section.title}...`);
    const stamp = measured();
    const result = await section.run({ runs, log });
    ok &&= result.ok;
    parts.push('', `## ${section.title}`, '', stamp, '', result.markdown);
  }
  writeFileSync(out, `${parts.join('\n')}\n`);
  log(`wrote ${out}${ok ? '' : ' (some goals missed)'}`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
