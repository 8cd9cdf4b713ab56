// `opencloud diff --format json`: the whole report, with counts, for machines.
import { countActions, hasDifferences, type DiffReport } from './stack-diff.ts';

export function formatDiffJson(report: DiffReport): string {
  return JSON.stringify(
    {
      base: report.base,
      head: report.head,
      differences: hasDifferences(report),
      notes: report.notes,
      warnings: report.stacks.flatMap((s) => s.warnings),
      stacks: report.stacks.map((s) => ({ ...s, counts: countActions(s) })),
    },
    null,
    2,
  );
}
