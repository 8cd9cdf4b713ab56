// `opencloud diff --format markdown`: a pull-request comment. Warnings first, a summary table
// per stack, the line-by-line details folded in <details>.
import { showValue } from './flatten.ts';
import { ACTION_SIGN, resourceDetails, resourceSummary } from './describe-resource.ts';
import { countActions, hasDifferences, type DiffReport, type StackDiff } from './stack-diff.ts';

/** Lets a workflow find the comment it posted before and update it instead of adding another. */
export const COMMENT_MARKER = '<!-- opencloud-diff -->';

/** GitHub refuses comments above 65536 characters; details go first when it gets close. */
const COMMENT_LIMIT = 60_000;

export function formatDiffMarkdown(report: DiffReport): string {
  const full = render(report, true, Infinity);
  if (full.length <= COMMENT_LIMIT) return full;
  const note = "\n\n_Details left out: the comment would exceed GitHub's size limit. Run `opencloud diff --format text` to see them._";
  for (const rows of [Infinity, 100, 20]) {
    const short = render(report, false, rows) + note;
    if (short.length <= COMMENT_LIMIT || rows === 20) return short;
  }
  return full;
}

function render(report: DiffReport, details: boolean, maxRows: number): string {
  const out: string[] = [COMMENT_MARKER, '## OpenCloud: what this change synthesizes', ''];
  out.push(`Base: ${code(report.base)} · head: ${code(report.head)}`, '');
  for (const note of report.notes) out.push(`> [!NOTE]`, `> ${note}`, '');
  const warnings = report.stacks.flatMap((s) => s.warnings);
  if (warnings.length > 0) {
    out.push('> [!WARNING]');
    for (const w of warnings) out.push(`> - **${escape(w.stack)}**: ${escape(w.message)}`);
    out.push('');
  }
  if (!hasDifferences(report)) {
    out.push(`No differences in ${report.stacks.length} stack${report.stacks.length === 1 ? '' : 's'}.`);
    return out.join('\n');
  }
  out.push('| stack | added | changed | removed | warnings |', '| --- | ---: | ---: | ---: | ---: |');
  for (const s of report.stacks) {
    const n = countActions(s);
    const state = s.action === 'add' ? ' (new)' : s.action === 'remove' ? ' (removed)' : s.action === 'unchanged' ? ' (no changes)' : '';
    out.push(`| ${code(s.name)}${state} | ${n.add} | ${n.change} | ${n.remove} | ${s.warnings.length} |`);
  }
  for (const s of report.stacks) if (s.action !== 'unchanged') out.push('', ...stackSection(s, details, maxRows));
  return out.join('\n');
}

function stackSection(s: StackDiff, details: boolean, maxRows: number): string[] {
  const out = [`### ${code(s.name)}`, ''];
  if (s.resources.length > 0) {
    out.push('| | resource | what |', '| --- | --- | --- |');
    for (const r of s.resources.slice(0, maxRows)) out.push(`| ${ACTION_SIGN[r.action]} | ${code(r.address)} | ${escape(resourceSummary(r))} |`);
    if (s.resources.length > maxRows) out.push(`| | … and ${s.resources.length - maxRows} more | |`);
  }
  if (s.settings.length > 0) out.push('', `Settings: ${s.settings.map((c) => code(c.path)).join(', ')}`);
  if (!details) return out;
  const lines: string[] = [];
  for (const r of s.resources) {
    lines.push(`${ACTION_SIGN[r.action] === '~' ? '!' : ACTION_SIGN[r.action]} ${r.address}`);
    // `diff` highlighting knows + - and !; a change is shown as the old line and the new one.
    for (const d of resourceDetails(r)) lines.push(d.sign === '~' ? `!   ${d.text}` : `${d.sign}   ${d.text}`);
  }
  for (const c of s.settings) lines.push(`!   ${c.path}: ${showValue(c.before)} -> ${showValue(c.after)}`);
  out.push('', `<details><summary>Details of ${escapeHtml(s.name)}</summary>`, '', '```diff', ...lines.map(fence), '```', '', '</details>');
  return out;
}

/** A code span that survives backticks and pipes in the text. */
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A line that would close the code fence early. */
const fence = (line: string) => line.replace(/```/g, "'''");
