// The command-line contract of `opencloud validate`, run as an operator runs it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MANAGED, edit } from './inventory/fixtures.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'opencloud-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function opencloud(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/opencloud.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function inventory(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('opencloud validate', () => {
  it('exits 0 on the example inventories (the default)', async () => {
    const r = await opencloud('validate');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 inventories valid');
  });

  it('exits 1 and prints FILE:LINE:COL: message for each problem, never a stack trace', async () => {
    const file = inventory('bad.yaml', edit(MANAGED, { 1: 'name: Bad', 11: '    publicIp: 10.0.0' }));
    const r = await opencloud('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:1:7: name: must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, not ending with "-")`,
      `${file}:11:15: computeNodes[0].publicIp: must be an IPv4 address such as 198.51.100.11`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints GitHub Actions annotations with --format github', async () => {
    const file = inventory('gh.yaml', edit(MANAGED, { 13: '      cpuCores: 8' }));
    const r = await opencloud('validate', '--format', 'github', file);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe(
      `::error file=${file},line=13,col=17,title=inventory::computeNodes[0].hardware.cpuCores: 8 cores is below the minimum of 12 cores by 4`,
    );
  });

  it('refuses two inventories with one cluster name (one stack id)', async () => {
    const a = inventory('a.yaml', MANAGED.join('\n'));
    const b = inventory('b.yaml', MANAGED.join('\n'));
    const r = await opencloud('validate', a, b);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe(`${b}:1:7: name: cluster "lab" is already defined in ${a}`);
  });

  it('says clearly when a file is missing, with exit 2', async () => {
    const r = await opencloud('validate', join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`opencloud: cannot read ${join(dir, 'nope.yaml')}: no such file`);
  });

  it('reports a YAML syntax error at its place', async () => {
    const file = inventory('syntax.yaml', edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24}' }));
    const r = await opencloud('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:8:31: YAML syntax error:`);
  });

  it('exits 2 on usage errors and 0 on --help', async () => {
    expect((await opencloud('frobnicate')).code).toBe(2);
    expect((await opencloud('validate', '--format', 'xml')).code).toBe(2);
    const help = await opencloud('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate');
  });
});
