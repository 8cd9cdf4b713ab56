// Benchmark: many clusters in one App, as `npm start` synthesizes every inventory/*.yaml at once:
// 50 managed clusters, each with its 10 service VMs and 100 compute nodes (5,000 nodes, 500 VMs),
// loaded, validated and synthesized by one fresh child process (bench/synth-child.ts).
import { rmSync } from 'node:fs';
import { benchDir, clusterWithNodes } from './inventories.ts';
import type { BenchContext, BenchSection, SectionResult } from './section.ts';
import { fmt, spread, table } from './stats.ts';
import { benchCase, type SynthCase } from './synth.ts';

export const FLEET_CLUSTERS = 50;
export const FLEET_NODES = 100;
/** Each run takes half a minute or more: at most this many, whatever --runs says. */
const MAX_FLEET_RUNS = 3;

export const fleetSection: BenchSection = {
  id: 'fleet',
  title: `Synthesis of ${FLEET_CLUSTERS} clusters at once (one App)`,
  async run(ctx: BenchContext): Promise<SectionResult> {
    const dir = benchDir();
    try {
      const files = Array.from({ length: FLEET_CLUSTERS }, (_, i) =>
        clusterWithNodes(dir, FLEET_NODES, 'inventory/example.yaml', `fleet-${String(i + 1).padStart(2, '0')}`),
      );
      const fleet: SynthCase = { label: `${FLEET_CLUSTERS} clusters × (10 VMs + ${FLEET_NODES} nodes)`, inventory: files };
      // The warm-up only fills tsx's cache: the example is enough, and a 30 s warm-up is not.
      const runs = Math.min(ctx.runs, MAX_FLEET_RUNS);
      const r = await benchCase(fleet, runs, dir, ctx.log, { label: 'warm-up', inventory: 'inventory/example.yaml' });
      const perStackMs = spread([r.synthMs.min, r.synthMs.median, r.synthMs.max].map((v) => v / FLEET_CLUSTERS));
      const markdown = [
        `${FLEET_CLUSTERS} inventories generated from \`inventory/example.yaml\` (managed controller: 10 service VMs with the router; ${FLEET_NODES} compute nodes each, ${FLEET_CLUSTERS * FLEET_NODES} in all), loaded and checked by \`loadClusters\`, then every stack built, validated and written by one \`synthesize\` call in one fresh child process, as \`npm start\` does for every file of \`inventory/\`. ${runs} runs (at most ${MAX_FLEET_RUNS}: each takes half a minute or more) after a warm-up with the example (to fill tsx's cache), min / **median** / max. No goal was set for this case: it is measured to show how synthesis scales.`,
        '',
        table(
          ['case', 'wall', 'import', 'synth', 'synth per stack', 'CPU (child)', 'peak RSS'],
          [
            [
              r.case.label,
              fmt(spread([r.wallMs.min, r.wallMs.median, r.wallMs.max].map((v) => v / 1000)), 's', 1),
              fmt(r.importMs, 'ms'),
              fmt(spread([r.synthMs.min, r.synthMs.median, r.synthMs.max].map((v) => v / 1000)), 's', 1),
              fmt(perStackMs, 'ms'),
              fmt(spread([r.cpuMs.min, r.cpuMs.median, r.cpuMs.max].map((v) => v / 1000)), 's', 1),
              fmt(r.rssMiB, 'MiB'),
            ],
          ],
        ),
      ].join('\n');
      return { markdown, ok: true };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
