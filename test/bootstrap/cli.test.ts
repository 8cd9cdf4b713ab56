// `opencloud bootstrap` input errors: the exit code and a one-line story, never a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve('bin/opencloud.js');
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, OPENCLOUD_DEBUG: '' } });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('opencloud bootstrap (inputs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bootstrap-cli-'));

  it('exit 2 for an unknown cluster, an unknown step, a bad --concurrency, or a managed cluster without --outputs', () => {
    expect(cli(['bootstrap', 'no-such-cluster'])).toMatchObject({ code: 2, out: expect.stringContaining('no cluster "no-such-cluster" in inventory/') });
    expect(cli(['bootstrap', 'install-cloud', '--only', 'nope'])).toMatchObject({ code: 2, out: expect.stringContaining('unknown step nope') });
    expect(cli(['bootstrap', 'install-cloud', '--concurrency', '0']).code).toBe(2);
    expect(cli(['bootstrap', 'example'])).toMatchObject({ code: 2, out: expect.stringContaining('--outputs FILE') });
  });

  it('exit 1 for a missing or garbled outputs file, without a stack trace', () => {
    const missing = cli(['bootstrap', 'example', '--outputs', join(dir, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/outputs file .*missing\.json: no such file/);
    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, '{"example": {"router_public_ip": 7}}');
    const g = cli(['bootstrap', 'inventory/example.yaml', '--outputs', garbled]);
    expect(g.code).toBe(1);
    expect(g.out).toContain('example.router_public_ip: must be an IPv4 address');
    expect(g.out).not.toMatch(/\n\s+at /);
  });

  it('exit 1 before any connection for an ssh.port Juju cannot use, at the line of the port', () => {
    const file = join(dir, 'port.yaml');
    writeFileSync(
      file,
      ['name: install', 'region: us-east-1', 'ssh:', '  port: 2200', 'controller:', '  kind: existing', '  greSecurityGroup: juju-amazon-6',
        '  keystoneSecurityGroup: juju-amazon-3', '  jujuHost: 127.0.0.1', '  hosts: [ { ip: 127.0.0.1, names: [juju.amazon] } ]', 'computeNodes:',
        '  - { name: node-1, publicIp: 127.0.0.2, hardware: { cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] } }',
        ''].join('\n'),
    );
    const r = cli(['bootstrap', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}:4:9: ssh.port: Juju adds the compute nodes`);
    expect(r.out).not.toMatch(/connect|\n\s+at /);
  });
});
