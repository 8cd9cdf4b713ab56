// Lab tests never skip silently: a skip says, once, why and how to run them; under CI they run.
import { describe, expect, it } from 'vitest';
import { skipLabTests } from '../../lab/availability.ts';

describe('skipLabTests', () => {
  const unavailable = () => ({ ok: false, reason: 'the lab needs root (network namespaces, mounts)' });

  it('says in one line why the lab tests skip and how to run them', () => {
    const lines: string[] = [];
    expect(skipLabTests({ availability: unavailable, env: {}, write: (l) => lines.push(l), once: new Set() })).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lab tests skipped: the lab needs root \(network namespaces, mounts\); run them as root through `npm test` .*openssh-server.*\n$/);
  });

  it('says it once per test process, however many suites ask', () => {
    const lines: string[] = [];
    const once = new Set<string>();
    for (let i = 0; i < 3; i++) skipLabTests({ availability: unavailable, env: {}, write: (l) => lines.push(l), once });
    expect(lines).toHaveLength(1);
  });

  it('runs them under CI, where a missing lab is a failure', () => {
    const lines: string[] = [];
    expect(skipLabTests({ availability: unavailable, env: { CI: 'true' }, write: (l) => lines.push(l), once: new Set() })).toBe(false);
    expect(lines).toEqual([]);
  });

  it('runs them, silently, when the lab is available', () => {
    const lines: string[] = [];
    expect(skipLabTests({ availability: () => ({ ok: true }), env: {}, write: (l) => lines.push(l), once: new Set() })).toBe(false);
    expect(lines).toEqual([]);
  });
});
