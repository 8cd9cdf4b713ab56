// `opencloud status --json`: the same checks for machines, grouped by section, with the verdict
// and the counts at the top so a monitor needs read only `up`.
import { countStates, SECTION_TITLES, type CheckState, type SectionName } from './check.ts';
import type { StatusReport } from './status-report.ts';

export interface StatusJson {
  readonly cluster: string;
  readonly controller: 'managed' | 'existing';
  readonly up: boolean;
  readonly counts: Record<CheckState, number>;
  readonly elapsedMs: number;
  readonly sections: readonly {
    readonly name: SectionName;
    readonly title: string;
    readonly checks: readonly { readonly host: string; readonly check: string; readonly state: CheckState; readonly detail: string }[];
  }[];
}

export function statusJson(report: StatusReport): StatusJson {
  return {
    cluster: report.cluster,
    controller: report.controller,
    up: report.up,
    counts: countStates(report.checks),
    elapsedMs: report.elapsedMs,
    sections: (Object.entries(SECTION_TITLES) as [SectionName, string][])
      .map(([name, title]) => ({
        name,
        title,
        checks: report.checks.filter((c) => c.section === name).map(({ host, check, state, detail }) => ({ host, check, state, detail })),
      }))
      .filter((s) => s.checks.length > 0),
  };
}

export function formatStatusJson(report: StatusReport): string {
  return JSON.stringify(statusJson(report), null, 2);
}
