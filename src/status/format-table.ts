// The operator's view: a table per section (host, check, state, detail), then one summary line.
// States not up are upper case so they stand out in a wall of `up`.
import { countStates, SECTION_TITLES, type SectionName, type StatusCheck } from './check.ts';
import type { StatusReport } from './status-report.ts';

const HEADER = ['HOST', 'CHECK', 'STATE', 'DETAIL'] as const;

export function formatStatusTables(report: StatusReport): string[] {
  const lines: string[] = [];
  for (const [section, title] of Object.entries(SECTION_TITLES) as [SectionName, string][]) {
    const checks = report.checks.filter((c) => c.section === section);
    if (checks.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(title, ...table(checks));
  }
  lines.push('', summaryLine(report));
  return lines;
}

export function stateLabel(c: StatusCheck): string {
  return c.state === 'up' ? 'up' : c.state.toUpperCase();
}

function table(checks: readonly StatusCheck[]): string[] {
  const rows = checks.map((c) => [c.host, c.check, stateLabel(c), c.detail]);
  // The detail column is last and never padded, so long messages do not widen the table.
  const widths = HEADER.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd();
  return [line(HEADER), ...rows.map(line)];
}

export function summaryLine(report: StatusReport): string {
  const n = countStates(report.checks);
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  if (report.up) return `${report.cluster}: everything up (${n.up} checks, ${seconds} s)`;
  const bad = [n.down && `${n.down} down`, n.unreachable && `${n.unreachable} unreachable`].filter(Boolean).join(', ');
  return `${report.cluster}: ${bad || 'nothing checked'} of ${report.checks.length} checks (${seconds} s)`;
}
