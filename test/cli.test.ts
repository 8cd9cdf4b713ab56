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

  it('refuses an ssh.port other than 22 when Juju must add hosts: add-machine ssh:USER@HOST has no port', async () => {
    // Juju 1.25's manual provider logs in to ssh:USER@HOST on port 22 only (environs/manual/init.go,
    // juju/utils ssh/ssh_openssh.go: -p only when a port is asked for, which add-machine never does).
    const withPort = (port: number) => edit(MANAGED, { 2: `region: us-east-1\nssh:\n  port: ${port}` });
    const file = inventory('port.yaml', withPort(2222));
    const r = await opencloud('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${file}:4:9: ssh.port: Juju adds the compute nodes and service VMs with \`juju add-machine ssh:USER@HOST\`, which always logs in on port 22 (Juju 1.25 has no way to give another): use port 22`,
    ]);
    expect((await opencloud('validate', inventory('port22.yaml', withPort(22)))).code).toBe(0);
    // Without compute nodes an existing controller needs no add-machine: any port will do.
    const noNodes = ['name: install', 'region: us-east-1', 'ssh:', '  port: 2222', 'controller:', '  kind: existing', '  greSecurityGroup: juju-amazon-6',
      '  keystoneSecurityGroup: juju-amazon-3', '  jujuHost: 203.0.113.20', '  hosts: [ { ip: 203.0.113.20, names: [juju.amazon] } ]', ''].join('\n');
    expect((await opencloud('validate', inventory('nonodes.yaml', noNodes))).code).toBe(0);
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
