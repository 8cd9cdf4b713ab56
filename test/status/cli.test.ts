// `opencloud status` as an operator runs it, against loopback only: usage errors exit 2; hosts
// that refuse or never answer SSH are reported unreachable (exit 1) within the connect timeout,
// never thrown, never retried into a long wait.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../../src/status/format-json.ts';

const CLI = resolve('bin/opencloud.js');
const dir = mkdtempSync(join(tmpdir(), 'opencloud-status-cli-'));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, OPENCLOUD_DEBUG: '', SSH_AUTH_SOCK: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** An existing-controller inventory whose hosts are loopback addresses on one SSH port. */
function inventory(name: string, port: number): string {
  const key = join(dir, 'id_rsa');
  writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'known_hosts'), '');
  const hw = '{ cpuCores: 12, arch: x86_64, memoryGiB: 48, diskTiB: 3, nics: [{ name: eth0, speedMbps: 1000 }, { name: eth1, speedMbps: 1000 }] }';
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'region: us-east-1',
      'ssh:',
      '  user: root',
      `  port: ${port}`,
      `  privateKeyFile: ${key}`,
      `  knownHostsFile: ${join(dir, 'known_hosts')}`,
      'controller:',
      '  kind: existing',
      '  greSecurityGroup: juju-amazon-6',
      '  keystoneSecurityGroup: juju-amazon-3',
      '  jujuHost: 127.0.0.1',
      '  hosts: [ { ip: 127.0.0.1, names: [juju.amazon] } ]',
      'computeNodes:',
      `  - { name: compute-1, publicIp: 127.0.0.2, hardware: ${hw} }`,
      `  - { name: compute-2, publicIp: 127.0.0.3, hardware: ${hw} }`,
      '',
    ].join('\n'),
  );
  return file;
}

let closedPort: number;
let silent: Server[] = [];
let silentPort: number;
/** What the silent listeners saw, in order: `open <address>` and `close <address>` per connection. */
const silentEvents: string[] = [];

const listen = (server: Server, port = 0, host = '127.0.0.1') =>
  new Promise<number>((r, reject) => server.once('error', reject).listen(port, host, () => r((server.address() as { port: number }).port)));

beforeAll(async () => {
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  // Accepts TCP and never speaks SSH: the handshake can only end by the connect timeout.
  // One listener per loopback address of the inventory, on one port (ssh.port is per cluster).
  silent = ['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((ip) =>
    createServer((socket) => {
      silentEvents.push(`open ${ip}`);
      socket.on('close', () => silentEvents.push(`close ${ip}`));
    }),
  );
  silentPort = await listen(silent[0]!);
  for (const [i, ip] of [[1, '127.0.0.2'], [2, '127.0.0.3']] as const) await listen(silent[i]!, silentPort, ip);
});

afterAll(async () => {
  for (const s of silent) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opencloud status (inputs)', () => {
  it('exit 2 for an unknown cluster, a managed cluster without --outputs, a bad --connect-timeout', async () => {
    expect(await cli(['status', 'no-such-cluster'])).toMatchObject({ code: 2, stderr: expect.stringContaining('no cluster "no-such-cluster" in inventory/') });
    expect(await cli(['status', 'example'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--outputs FILE') });
    expect((await cli(['status', 'install-cloud', '--connect-timeout', 'soon'])).code).toBe(2);
  });

  it('exit 1 for a missing outputs file, without a stack trace', async () => {
    const r = await cli(['status', 'example', '--outputs', join(dir, 'missing.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/outputs file .*missing\.json: no such file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('opencloud status (hosts down)', () => {
  it('reports every host refusing SSH as unreachable, Juju as not checked, and exits 1', async () => {
    const r = await cli(['status', inventory('refused', closedPort), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as StatusJson;
    expect(json.up).toBe(false);
    expect(json.counts).toEqual({ up: 0, down: 0, unreachable: 4 });
    expect(json.sections.map((s) => [s.name, s.checks.map((c) => `${c.host} ${c.state}`)])).toEqual([
      ['hosts', ['juju unreachable', 'compute-1 unreachable', 'compute-2 unreachable']],
      ['juju', ['juju unreachable']],
    ]);
    expect(json.sections[0]!.checks[1]!.detail).toMatch(/127\.0\.0\.2.*ECONNREFUSED/);
    expect(json.sections[1]!.checks[0]!.detail).toBe('not checked: juju is unreachable over SSH');
  });

  it('gives up on hosts that never answer after --connect-timeout, one attempt each, in parallel, and prints tables', async () => {
    silentEvents.length = 0;
    const r = await cli(['status', inventory('silent', silentPort), '--connect-timeout', '1']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Hosts (SSH)');
    expect(lines.filter((l) => / UNREACHABLE /.test(l))).toHaveLength(4);
    expect(r.stdout).toMatch(/compute-2 .*Timed out while waiting for handshake/);
    expect(lines.at(-1)).toMatch(/^silent: 4 unreachable of 4 checks \(\d+\.\d s\)$/);
    // One connection per host, never retried; all three open before the first is given up on.
    const opened = silentEvents.filter((e) => e.startsWith('open ')).sort();
    expect(opened).toEqual(['open 127.0.0.1', 'open 127.0.0.2', 'open 127.0.0.3']);
    expect(silentEvents.slice(0, 3).every((e) => e.startsWith('open ')), silentEvents.join(', ')).toBe(true);
  });
});
