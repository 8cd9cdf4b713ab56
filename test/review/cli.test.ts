// The review commands as the operator runs them: output, exit codes, messages.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE, fakeStack } from './fake-stack.ts';

const project = new URL('../..', import.meta.url).pathname;
const tsx = join(project, 'node_modules/tsx/dist/cli.mjs');
const opencloud = (...args: string[]) => {
  const r = spawnSync(process.execPath, [tsx, 'src/cli.ts', ...args], { cwd: project, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opencloud-review-cli-'));
  const write = (side: string, cluster: typeof EXAMPLE) => {
    mkdirSync(join(dir, side, 'stacks', cluster.name), { recursive: true });
    writeFileSync(join(dir, side, 'stacks', cluster.name, 'cdk.tf.json'), JSON.stringify(fakeStack(cluster)));
  };
  write('base', EXAMPLE);
  write('head', { ...EXAMPLE, withoutKeystone: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('opencloud diff', () => {
  it('compares two synthesized directories; --exit-code gives 1 when something changed', () => {
    const plain = opencloud('diff', '--base', join(dir, 'base'), '--head', join(dir, 'head'));
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('WARNING example: aws_instance.keystone (example-keystone) is destroyed');
    expect(opencloud('diff', '--base', join(dir, 'base'), '--head', join(dir, 'head'), '--exit-code').code).toBe(1);
    expect(opencloud('diff', '--base', join(dir, 'base'), '--head', join(dir, 'base'), '--exit-code').code).toBe(0);
  });

  it('is a usage error (exit 2) for an unknown ref or format', () => {
    const ref = opencloud('diff', '--base', 'no-such-ref-anywhere', '--head', join(dir, 'head'));
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain('opencloud: "no-such-ref-anywhere" is neither a directory nor a commit');
    expect(opencloud('diff', '--format', 'yaml').code).toBe(2);
  });
});

describe('opencloud diagram', () => {
  it('prints Mermaid by default and writes SVG to a file', () => {
    const mermaid = opencloud('diagram', 'example');
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toContain('flowchart LR');
    const file = join(dir, 'example.svg');
    expect(opencloud('diagram', 'inventory/example.yaml', '--format', 'svg', '-o', file).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
  });

  it('is a usage error (exit 2) for an unknown cluster', () => {
    const r = opencloud('diagram', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('opencloud: no cluster "nope" in inventory/ (known: example, install-cloud), and no such file\n');
  });
});
