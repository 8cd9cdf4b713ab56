// The end-of-run recap, one line per host, like Ansible's PLAY RECAP.
import type { RunResult } from './runner.ts';

export function formatRecap(result: RunResult): string[] {
  const names = [...result.recap.keys()];
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = [`RECAP${result.dryRun ? ' (dry run: "changed" means would change)' : ''}`];
  for (const [host, r] of result.recap) {
    lines.push(`${host.padEnd(width)} : ok=${r.ok}  changed=${r.changed}  failed=${r.failed}  skipped=${r.skipped}`);
  }
  const failures = result.results.filter((r) => r.status === 'failed');
  if (failures.length > 0) {
    lines.push('', 'FAILED');
    for (const f of failures) lines.push(`${f.host} ${f.step}: ${f.message ?? 'failed'}`);
  }
  if (result.interrupted) {
    // Where the stop caught the run, in one line: what it cut short, and how much never began.
    const stopped = result.results.filter((r) => r.interrupted === 'stopped').map((r) => `${r.step} on ${r.host}`);
    const notStarted = result.results.filter((r) => r.interrupted === 'not-started').length;
    lines.push(
      '',
      `${result.interrupted}: ${stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'no step was under way'}; ` +
        `${notStarted} step${notStarted === 1 ? '' : 's'} not started`,
    );
  }
  return lines;
}
