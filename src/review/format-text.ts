// `opencloud diff --format text`: for a terminal.
import { showValue } from './flatten.ts';
import { ACTION_SIGN, resourceDetails } from './describe-resource.ts';
import { countActions, type DiffReport } from './stack-diff.ts';

export function formatDiffText(report: DiffReport): string {
  const lines = [`opencloud diff: ${report.base} -> ${report.head}`];
  for (const note of report.notes) lines.push(`note: ${note}`);
  const warnings = report.stacks.flatMap((s) => s.warnings);
  for (const w of warnings) lines.push(`WARNING ${w.stack}: ${w.message}`);
  for (const stack of report.stacks) {
    const n = countActions(stack);
    const head =
      stack.action === 'unchanged'
        ? 'no changes'
        : `${stack.action === 'add' ? 'new stack, ' : stack.action === 'remove' ? 'stack removed, ' : ''}${n.add} added, ${n.change} changed, ${n.remove} removed`;
    lines.push('', `stack ${stack.name}: ${head}`);
    for (const r of stack.resources) {
      lines.push(`  ${ACTION_SIGN[r.action]} ${r.address}`);
      for (const d of resourceDetails(r)) lines.push(`      ${d.sign} ${d.text}`);
    }
    for (const c of stack.settings) lines.push(`  ~ ${c.path}: ${showValue(c.before)} -> ${showValue(c.after)}`);
  }
  return lines.join('\n');
}
