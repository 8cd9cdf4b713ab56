// The lab part of `npm run bench` (bench/lab.ts), run as root inside test/isolated.sh's network
// namespace: joins compute nodes of a fresh lab to an existing controller (the lab's router as Juju
// host, the Juju stand-in bootstrapped with the controller services on machine 0, exactly as
// test/bootstrap/compute prepares it) and times whole `bootstrap()` runs. Prints one JSON line.
//
//   tsx bench/lab-child.ts [--runs N] [--concurrency N] [--settle SECONDS]
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { prepareComputeLab, totals, type ComputeLab, type LabRun } from '../lab/compute-lab.ts';
import { must } from '../lab/host-commands.ts';
import { jujuWithEnv } from '../lab/juju-host.ts';
import { startLab, type Lab, type LabHost } from '../lab/lab.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number`);
  return v;
};
const runs = option('--runs', 3);
const concurrency = option('--concurrency', 10);
const settle = option('--settle', 1);
const NODES = 20;
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface LabTiming {
  readonly ms: number;
  /** CPU time the machine spent busy during the run, summed over its cores (lab hosts and bootstrap alike). */
  readonly cpuMs: number;
  /** CPU time of the bootstrap itself (this process: the engine, its SSH client, the run log). */
  readonly bootstrapCpuMs: number;
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
  readonly skipped: number;
  /** `juju` commands the run made on the Juju host, how many were `juju status`, and their summed time. */
  readonly jujuCalls: number;
  readonly jujuStatusCalls: number;
  readonly jujuMs: number;
  /** Per juju subcommand (status, add-machine, ...): how many ran and their summed milliseconds. */
  readonly byCommand: Readonly<Record<string, { n: number; ms: number }>>;
  /** Longest time any single `juju add-machine` took, and the wall time from the first to the last one's end. */
  readonly addMachineSpanMs: number;
}

export interface LabChildReport {
  readonly settleSeconds: number;
  readonly concurrency: number;
  readonly one: LabTiming[];
  readonly oneNoop: LabTiming[];
  readonly twenty: LabTiming[];
  readonly twentyNoop: LabTiming[];
}

/** CPU time the whole machine spent busy so far (every process: the lab's hosts and the bootstrap), in ms. */
function machineBusyMs(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number) as number[];
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function timed(c: ComputeLab, file: string, what: string): Promise<LabTiming> {
  const started = performance.now();
  const busyBefore = machineBusyMs();
  const ownBefore = process.cpuUsage();
  const run: LabRun = await c.run(file, { concurrency });
  const ms = performance.now() - started;
  const cpuMs = machineBusyMs() - busyBefore;
  const own = process.cpuUsage(ownBefore);
  const bootstrapCpuMs = (own.user + own.system) / 1000;
  const t = totals(run);
  if (process.env.BENCH_KEEP_LOGS) copyFileSync(run.logFile, `${process.env.BENCH_KEEP_LOGS}/${what.replace(/[^a-z0-9]+/gi, '-')}.jsonl`);
  if (t.failed > 0 || t.skipped > 0) throw new Error(`${what}: ${t.failed} failed, ${t.skipped} skipped:\n${run.lines.join('\n')}`);
  // Where the time goes: every command is in the run's JSON-lines log with its duration.
  const juju = readFileSync(run.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { event: string; host?: string; command?: string; ms?: number })
    .filter((e) => e.event === 'exec' && e.host === 'juju' && /^juju /.test(e.command ?? ''));
  const jujuMs = juju.reduce((sum, e) => sum + (e.ms ?? 0), 0);
  const jujuStatusCalls = juju.filter((e) => /^juju status /.test(e.command ?? '')).length;
  const byCommand: Record<string, { n: number; ms: number }> = {};
  for (const e of juju) {
    const sub = (e.command ?? '').split(' ')[1] ?? '?';
    const b = (byCommand[sub] ??= { n: 0, ms: 0 });
    b.n++;
    b.ms += e.ms ?? 0;
  }
  // exec records are written when a command ends (ts) and carry its duration (ms).
  const adds = juju
    .filter((e) => /^juju add-machine /.test(e.command ?? ''))
    .map((e) => ({ end: Date.parse((e as { ts?: string }).ts ?? ''), ms: e.ms ?? 0 }));
  const addMachineSpanMs = adds.length ? Math.max(...adds.map((a) => a.end)) - Math.min(...adds.map((a) => a.end - a.ms)) : 0;
  log(`  ${what}: ${(ms / 1000).toFixed(2)} s, machine CPU ${(cpuMs / 1000).toFixed(1)} s, bootstrap CPU ${(bootstrapCpuMs / 1000).toFixed(1)} s (ok=${t.ok} changed=${t.changed}; ${juju.length} juju commands, ${jujuStatusCalls} of them status, ${(jujuMs / 1000).toFixed(1)} s in all)`);
  return { ms, cpuMs, bootstrapCpuMs, ...t, jujuCalls: juju.length, jujuStatusCalls, jujuMs, byCommand, addMachineSpanMs };
}


const report: LabChildReport = { settleSeconds: settle, concurrency, one: [], oneNoop: [], twenty: [], twentyNoop: [] };
for (let i = 0; i < runs; i++) {
  log(` lab run ${i + 1}/${runs}: starting a lab of ${NODES + 1} compute nodes`);
  let lab: Lab | undefined;
  let c: ComputeLab | undefined;
  try {
    lab = await startLab({ computeNodes: NODES + 1, serviceVms: false, clients: false });
    c = await prepareComputeLab(lab);
    // Agents of the stand-in report `started` after JUJU_STANDIN_SETTLE_SECONDS (default 3): set
    // for every `juju` the engine runs on the router, through a wrapper in place of the command.
    await jujuWithEnv(lab.router, { JUJU_STANDIN_SETTLE_SECONDS: String(settle) });
    // The controller as prepared (no compute node yet), to give the 20-node run the same start.
    await must(lab.router, 'cp /root/.juju/standin-state.json /root/standin-state.prepared');
    const single = c.inventory([lab.computeNodes[NODES]!]);
    report.one.push(await timed(c, single, '1 node, first run'));
    report.oneNoop.push(await timed(c, single, '1 node, no-op re-run'));
    await must(lab.router, 'cp /root/standin-state.prepared /root/.juju/standin-state.json');
    const twenty = c.inventory(lab.computeNodes.slice(0, NODES));
    report.twenty.push(await timed(c, twenty, `${NODES} nodes, first run`));
    report.twentyNoop.push(await timed(c, twenty, `${NODES} nodes, no-op re-run`));
  } finally {
    await lab?.stop();
    if (c) rmSync(c.dir, { recursive: true, force: true });
  }
}
// Something of the lab or the SSH client may keep the event loop alive: the report is the end.
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
