// Preflight's judgement: a compute node's measured facts against what the cluster needs (the
// minimums, lowered only in labs) and what its inventory entry declares. Every reason at once.
import type { HardwareMinimums } from '../../inventory/reference.ts';
import type { ComputeNode } from '../../inventory/model.ts';
import type { HardwareFacts } from './hardware.ts';

/**
 * What a measurement may fall short of a nominal size. MemTotal leaves out what the firmware and
 * kernel reserve (a 48 GiB server shows about 47 GiB); a "3 TB" disk holds 2.73 TiB.
 */
export const TOLERANCE = { memory: 0.95, disk: 0.9 } as const;

export interface PreflightRow {
  readonly item: string;
  readonly needed: string;
  readonly declared: string;
  readonly measured: string;
  readonly ok: boolean;
}

export interface PreflightVerdict {
  readonly rows: readonly PreflightRow[];
  /** Empty when the node passes. */
  readonly reasons: readonly string[];
}

export interface ExpectedOs {
  /** e.g. trusty */
  readonly series: string;
  /** e.g. 14.04 */
  readonly release: string;
}

const gib = (n: number) => `${round(n)} GiB`;
const tib = (n: number) => `${round(n)} TiB`;
const mbps = (n: number | undefined) => (n === undefined ? 'unknown' : `${n} Mbps`);

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function judgeNode(node: ComputeNode, min: HardwareMinimums, os: ExpectedOs, facts: HardwareFacts): PreflightVerdict {
  const rows: PreflightRow[] = [];
  const reasons: string[] = [];
  const row = (item: string, needed: string, declared: string, measured: string, problems: (string | false)[]) => {
    const found = problems.filter((p): p is string => typeof p === 'string');
    rows.push({ item, needed, declared, measured, ok: found.length === 0 });
    reasons.push(...found);
  };
  const hw = node.hardware;

  row('CPU cores', `>= ${min.cpuCores}`, String(hw.cpuCores), String(facts.cpuCores), [
    facts.cpuCores < min.cpuCores && `${facts.cpuCores} CPU cores, below the minimum of ${min.cpuCores}`,
    facts.cpuCores < hw.cpuCores && `${facts.cpuCores} CPU cores, fewer than the ${hw.cpuCores} declared`,
  ]);
  row('CPU architecture', min.arch, hw.arch, facts.arch || 'unknown', [
    facts.arch !== min.arch && `architecture ${facts.arch || 'unknown'}, not the required ${min.arch}`,
    facts.arch !== hw.arch && facts.arch === min.arch && `architecture ${facts.arch}, not the ${hw.arch} declared`,
  ]);
  row('memory', `>= ${gib(min.memoryGiB)}`, gib(hw.memoryGiB), gib(facts.memoryGiB), [
    facts.memoryGiB < min.memoryGiB * TOLERANCE.memory && `${gib(facts.memoryGiB)} of memory, below the minimum of ${gib(min.memoryGiB)}`,
    facts.memoryGiB < hw.memoryGiB * TOLERANCE.memory && `${gib(facts.memoryGiB)} of memory, less than the ${gib(hw.memoryGiB)} declared`,
  ]);
  row('disk', `>= ${tib(min.diskTiB)}`, tib(hw.diskTiB), `${tib(facts.diskTiB)}${facts.disks.length ? ` (${facts.disks.map((d) => d.name).join(', ')})` : ''}`, [
    facts.diskTiB < min.diskTiB * TOLERANCE.disk && `${tib(facts.diskTiB)} of disk, below the minimum of ${tib(min.diskTiB)}`,
    facts.diskTiB < hw.diskTiB * TOLERANCE.disk && `${tib(facts.diskTiB)} of disk, less than the ${tib(hw.diskTiB)} declared`,
  ]);
  row('NICs', `>= ${min.nics}`, String(hw.nics.length), `${facts.nics.length} (${facts.nics.map((n) => n.name).join(', ') || 'none'})`, [
    facts.nics.length < min.nics && `${facts.nics.length} NIC(s), below the minimum of ${min.nics}`,
    facts.nics.length < hw.nics.length && `${facts.nics.length} NIC(s), fewer than the ${hw.nics.length} declared`,
  ]);

  const carrier = facts.nics.find((n) => n.addresses.includes(node.publicIp));
  hw.nics.forEach((declared, i) => {
    const measured = facts.nics.find((n) => n.name === declared.name);
    const label = `NIC${i + 1} ${declared.name}`;
    const role = i === 0 ? `public IP ${node.publicIp}` : i === 1 ? 'unconfigured' : '';
    const problems: (string | false)[] = [];
    if (!measured) {
      problems.push(`${label} does not exist (the node has ${facts.nics.map((n) => n.name).join(', ') || 'no NICs'})`);
    } else {
      const speed = measured.speedMbps;
      // The public NIC is up, so its speed is known; another NIC may be down (speed unknown): only
      // a known speed below the requirement fails it.
      if (speed === undefined && i === 0) problems.push(`${label} link speed unknown (is the link up?)`);
      if (speed !== undefined && speed < min.nicSpeedMbps) problems.push(`${label} at ${speed} Mbps, below the minimum of ${min.nicSpeedMbps} Mbps`);
      if (speed !== undefined && speed < declared.speedMbps && speed >= min.nicSpeedMbps) {
        problems.push(`${label} at ${speed} Mbps, slower than the ${declared.speedMbps} Mbps declared`);
      }
      if (i === 0 && !measured.addresses.includes(node.publicIp)) {
        problems.push(
          carrier
            ? `public IP ${node.publicIp} is on ${carrier.name}, not on NIC1 ${declared.name}`
            : `public IP ${node.publicIp} is on no NIC of the node`,
        );
      }
      if (i === 1 && measured.addresses.length > 0) problems.push(`${label} must be left unconfigured but has ${measured.addresses.join(', ')}`);
    }
    const measuredText = measured ? [mbps(measured.speedMbps), measured.addresses.join(' ') || (i === 1 ? 'no address' : '')].filter(Boolean).join(', ') : 'missing';
    row(label, [`>= ${min.nicSpeedMbps} Mbps`, role].filter(Boolean).join(', '), mbps(declared.speedMbps), measuredText, problems);
  });
  if (hw.nics.length === 0 && !carrier) row('public IP', node.publicIp, '-', 'on no NIC', [`public IP ${node.publicIp} is on no NIC of the node`]);

  const wanted = `Ubuntu ${os.release} (${os.series})`;
  const isUbuntu = facts.os.id === 'ubuntu';
  row('OS', wanted, os.series, facts.os.prettyName || `${facts.os.id} ${facts.os.versionId}`.trim() || 'unknown', [
    (!isUbuntu || facts.os.versionId !== os.release) &&
      `OS is ${facts.os.prettyName || facts.os.id || 'unknown'}, not ${wanted} (ubuntuSeries ${os.series})`,
  ]);
  return { rows, reasons };
}

/** The verdict as a table: item | needed | declared | measured | ok. */
export function formatPreflightTable(node: string, verdict: PreflightVerdict): string[] {
  const header = ['', 'needed', 'declared', 'measured', ''];
  const body = verdict.rows.map((r) => [r.item, r.needed, r.declared, r.measured, r.ok ? 'ok' : 'FAIL']);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((cells) => cells[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [`${node}: ${verdict.reasons.length === 0 ? 'meets the requirements' : `${verdict.reasons.length} problem(s)`}`, line(header), ...body.map(line)];
}
