// One synthesis in a fresh process, for bench/synth.ts: loads the inventory, synthesizes its
// stack into --outdir, and prints one JSON line with its own timings and peak RSS.
// `--barrel` first loads the provider package's barrel, as code importing from it would: the
// comparison the deep imports are measured against. This is the one file allowed to do so.
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
// --inventory may be given several times: every cluster goes into one App, as `npm start` does.
const inventories = args.flatMap((a, i) => (a === '--inventory' && args[i + 1] ? [args[i + 1]!] : []));
const outdir = option('--outdir');
if (inventories.length === 0 || !outdir) {
  process.stderr.write('usage: synth-child.ts --inventory FILE [--inventory FILE...] --outdir DIR [--barrel]\n');
  process.exit(2);
}

const t0 = performance.now();
if (args.includes('--barrel')) await import('@cdktf/provider-aws');
const { loadClusters, synthesize } = await import('../stacks/app.ts');
const t1 = performance.now();
synthesize(loadClusters(inventories), { outdir });
const t2 = performance.now();

process.stdout.write(
  `${JSON.stringify({
    importMs: Math.round(t1 - t0),
    synthMs: Math.round(t2 - t1),
    // CPU time of the whole process: what the synthesis costs whatever else the machine does.
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    // Linux reports kilobytes.
    maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  })}\n`,
);
