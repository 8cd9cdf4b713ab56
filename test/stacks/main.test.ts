// stacks/main.ts as cdktf and npm start run it: a child process in a scratch project directory.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve('stacks/main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'opencloud-main-'));
  mkdirSync(join(dir, 'inventory'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'inventory', name), text);
  return dir;
}

function run(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  const { CDKTF_OUTDIR: _, OPENCLOUD_INVENTORY: __, ...rest } = process.env;
  const r = spawnSync(process.execPath, [TSX, MAIN, ...args], { cwd, env: { ...rest, CHECKPOINT_DISABLE: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const example = readFileSync('inventory/example.yaml', 'utf8');
const existing = readFileSync('inventory/install-cloud.yaml', 'utf8');

describe('stacks/main.ts', () => {
  it('validates every inventory first: one bad file stops everything, FILE:LINE:COL and no stack trace, nothing written', () => {
    const bad = existing.replace('publicIp: 198.51.100.31', 'publicIp: 198.51.100.310');
    const line = bad.split('\n').findIndex((l) => l.includes('198.51.100.310')) + 1;
    const dir = project({ 'a-example.yaml': example, 'b-bad.yaml': bad });
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`inventory/b-bad.yaml:${line}:15: computeNodes[0].publicIp: must be an IPv4 address such as 198.51.100.11\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
  });

  it('reports a name used by two inventories at the second one', () => {
    const dir = project({ 'a.yaml': example, 'b.yaml': example });
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^inventory\/b\.yaml:4:7: name: cluster "example" is already defined in inventory\/a\.yaml/m);
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
  });

  it('writes cdktf.out/stacks/<name>/cdk.tf.json for the inventory chosen with OPENCLOUD_INVENTORY, and prints the summary', () => {
    const dir = project({ 'example.yaml': example, 'install-cloud.yaml': existing });
    const r = run(dir, ['--summary'], { OPENCLOUD_INVENTORY: 'inventory/install-cloud.yaml' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'cdktf.out/stacks/install-cloud/cdk.tf.json'))).toBe(true);
    expect(existsSync(join(dir, 'cdktf.out/stacks/example'))).toBe(false);
    expect(r.stdout.split('\n')).toEqual([
      'install-cloud: 2 resources, 2 data sources, local state -> cdktf.out/stacks/install-cloud/cdk.tf.json',
      '  resources: aws_vpc_security_group_ingress_rule 2',
      '  data: aws_security_groups 2',
      '  outputs: hosts_block, juju_host',
      '',
    ]);
  });

  it('honours CDKTF_OUTDIR (set by cdktf-cli) and an unreadable OPENCLOUD_INVENTORY is a usage error', () => {
    const dir = project({ 'example.yaml': example });
    const out = join(dir, 'elsewhere');
    expect(run(dir, [], { CDKTF_OUTDIR: out }).status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'stacks/example/cdk.tf.json'), 'utf8')).output.juju_host).toBeDefined();
    const missing = run(dir, [], { OPENCLOUD_INVENTORY: 'inventory/nope.yaml' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('opencloud: cannot read inventory/nope.yaml: no such file\n');
  });

  it('stops on a key file that cannot be read, at the key, writing nothing', () => {
    const text = example.replace('  clientCidrs:', '  publicKeyFile: keys/missing.pub\n  clientCidrs:');
    const line = text.split('\n').findIndex((l) => l.includes('publicKeyFile')) + 1;
    const dir = project({ 'example.yaml': text });
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`inventory/example.yaml:${line}:18: controller.publicKeyFile: cannot be read (keys/missing.pub): ENOENT\n`);
    expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
    mkdirSync(join(dir, 'keys'));
    copyFileSync(join(dir, 'inventory/example.yaml'), join(dir, 'keys/missing.pub'));
    expect(run(dir).stderr).toMatch(/controller\.publicKeyFile: keys\/missing\.pub is not an OpenSSH public key/);
  });
});
