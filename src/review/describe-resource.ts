// How one resource's differences read, shared by the markdown and text outputs: a one-line
// summary for tables and the `+ - ~` lines for details.
import { showValue } from './flatten.ts';
import type { ResourceDiff } from './stack-diff.ts';

export type Sign = '+' | '-' | '~';

export interface DetailLine {
  readonly sign: Sign;
  readonly text: string;
}

export const ACTION_SIGN = { add: '+', remove: '-', change: '~' } as const;

const SUMMARY_ITEMS = 4;

/** `tcp 35357 from 198.51.100.11/32`, `instance_type, tags.Name`, `ingress +2 -1`. */
export function resourceSummary(r: ResourceDiff): string {
  const parts: string[] = [];
  if (r.rules.length > 0 && r.rules.length <= SUMMARY_ITEMS) {
    parts.push(...r.rules.map((c) => `${r.action === 'change' ? `${c.action === 'add' ? '+' : '-'} ` : ''}${c.text}`));
  } else if (r.rules.length > 0) {
    const added = r.rules.filter((c) => c.action === 'add').length;
    const removed = r.rules.length - added;
    parts.push(`rules ${added ? `+${added}` : ''}${added && removed ? ' ' : ''}${removed ? `-${removed}` : ''}`);
  }
  if (r.action === 'change' && r.changes.length > 0) {
    const paths = r.changes.map((c) => c.path);
    parts.push(paths.length <= SUMMARY_ITEMS ? paths.join(', ') : `${paths.slice(0, SUMMARY_ITEMS).join(', ')} and ${paths.length - SUMMARY_ITEMS} more`);
  }
  if (r.action === 'add' && r.rules.length === 0) parts.push(...keyAttributes(r));
  return parts.join('; ');
}

/** What identifies a new resource at a glance; the details have the rest. */
function keyAttributes(r: ResourceDiff): string[] {
  const wanted = ['tags.Name', 'instance_type', 'private_ip', 'cidr_block', 'name'];
  return r.changes.filter((c) => wanted.includes(c.path)).map((c) => `${c.path} = ${showValue(c.after)}`);
}

/**
 * Rules first (they are what a reviewer checks), then attributes. Nothing more for a removal,
 * nor for a new rule: its tags would only repeat what the rule line says.
 */
export function resourceDetails(r: ResourceDiff): DetailLine[] {
  const lines: DetailLine[] = r.rules.map((c) => ({
    sign: c.action === 'add' ? '+' : '-',
    text: `${c.text}${c.rule.description ? ` (${c.rule.description})` : ''}`,
  }));
  if (r.action === 'remove' || (r.action === 'add' && r.rules.length > 0)) return lines;
  for (const c of r.changes) {
    if (r.action === 'add') lines.push({ sign: '+', text: `${c.path} = ${showValue(c.after)}` });
    else lines.push({ sign: '~', text: `${c.path}: ${showValue(c.before)} -> ${showValue(c.after)}` });
  }
  return lines;
}
