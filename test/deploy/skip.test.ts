// Deploy tests never skip silently: one line says what is missing and how to get it; CI runs them.
import { describe, expect, it } from 'vitest';
import { skipDeployTests } from '../../lab/deploy/harness.ts';

describe('skipDeployTests', () => {
  const missing = () => 'terraform is not on PATH (install terraform >= 1.10 from https://developer.hashicorp.com/terraform/install)';
  it('skips with one line naming what is missing and how to get it', () => {
    const lines: string[] = [];
    expect(skipDeployTests({ missing, env: {}, write: (l) => lines.push(l) })).toBe(true);
    expect(lines).toEqual([`deploy tests skipped: ${missing()}\n`]);
  });
  it('runs (and so fails) under CI=true', () => {
    const lines: string[] = [];
    expect(skipDeployTests({ missing, env: { CI: 'true' }, write: (l) => lines.push(l) })).toBe(false);
    expect(lines).toEqual([]);
  });
});
