import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostKeyPolicy } from '../../src/remote/host-keys.ts';
import { fingerprint, hostMatches, KnownHosts, keyTypeOf, knownHostsName } from '../../src/remote/known-hosts.ts';
import type { ClusterHost } from '../../src/remote/host.ts';
import { resolveCluster } from '../../src/remote/cluster-hosts.ts';
import { parseInventory } from '../../src/inventory/load.ts';
import type { StackOutputs } from '../../src/inventory/stack-outputs.ts';

/** A fake ed25519 key blob: string "ssh-ed25519" then 32 bytes. */
function blob(seed: number, type = 'ssh-ed25519'): Buffer {
  const t = Buffer.from(type);
  const key = Buffer.alloc(32, seed);
  const b = Buffer.alloc(4 + t.length + 4 + key.length);
  b.writeUInt32BE(t.length, 0);
  t.copy(b, 4);
  b.writeUInt32BE(key.length, 4 + t.length);
  key.copy(b, 8 + t.length);
  return b;
}
const line = (names: string, k: Buffer) => `${names} ${keyTypeOf(k)} ${k.toString('base64')}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};
const host = (over: Partial<ClusterHost> = {}): ClusterHost => ({ name: 'compute-1', roles: ['compute'], address: '198.51.100.11', port: 22, user: 'root', ...over });

describe('known_hosts', () => {
  it('fingerprints like ssh-keygen -lf (SHA256, unpadded base64) and reads the key type', () => {
    const k = blob(1);
    expect(fingerprint(k)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyTypeOf(k)).toBe('ssh-ed25519');
  });

  it('names non-22 ports [host]:port', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('matches plain, comma lists, wildcards, negations and hashed names', () => {
    expect(hostMatches('a,198.51.100.11', '198.51.100.11')).toBe(true);
    expect(hostMatches('198.51.100.*', '198.51.100.11')).toBe(true);
    expect(hostMatches('198.51.100.*,!198.51.100.11', '198.51.100.11')).toBe(false);
    expect(hostMatches('198.51.100.1?', '198.51.100.11')).toBe(true);
    expect(hostMatches('198.51.100.1', '198.51.100.11')).toBe(false);
    expect(hostMatches(hashed('198.51.100.11'), '198.51.100.11')).toBe(true);
    expect(hostMatches(hashed('198.51.100.12'), '198.51.100.11')).toBe(false);
    expect(hostMatches(hashed('[198.51.100.11]:2222'), '[198.51.100.11]:2222')).toBe(true);
    expect(hostMatches('[198.51.100.11]:2222', '198.51.100.11')).toBe(false);
  });

  it('tells match, unknown, changed and revoked apart', () => {
    const k1 = blob(1);
    const k2 = blob(2);
    const rsa = blob(3, 'ssh-rsa');
    const kh = new KnownHosts('/nonexistent', [
      '# comment',
      line('198.51.100.11', k1),
      line(hashed('198.51.100.12'), k1),
      line('198.51.100.13', rsa),
      `@revoked * ${keyTypeOf(k2)} ${blob(9).toString('base64')}`,
      'garbage',
    ].join('\n'));
    expect(kh.verify('198.51.100.11', k1).kind).toBe('match');
    expect(kh.verify('198.51.100.12', k1).kind).toBe('match');
    expect(kh.verify('198.51.100.11', k2)).toMatchObject({ kind: 'changed', expected: [`ssh-ed25519 ${fingerprint(k1)}`], lines: [2] });
    expect(kh.verify('198.51.100.12', k2).kind).toBe('changed');
    expect(kh.verify('198.51.100.99', k1)).toEqual({ kind: 'unknown' });
    // Only an ssh-rsa key is known: an ed25519 key is not "new", it is a different key.
    expect(kh.verify('198.51.100.13', k1)).toEqual({ kind: 'changed', expected: [`ssh-rsa ${fingerprint(rsa)}`], lines: [4] });
    expect(kh.verify('198.51.100.11', blob(9)).kind).toBe('revoked');
    expect(kh.keyTypesFor('198.51.100.13')).toEqual(['ssh-rsa']);
  });

  it('records new keys on a line of their own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, line('198.51.100.11', blob(1))); // no final newline
    const kh = new KnownHosts(file);
    kh.add('[198.51.100.12]:2222', blob(2));
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')).toEqual([line('198.51.100.11', blob(1)), line('[198.51.100.12]:2222', blob(2)), '']);
    expect(new KnownHosts(file).verify('[198.51.100.12]:2222', blob(2)).kind).toBe('match');
  });
});

describe('host key policy', () => {
  const k1 = blob(1);
  const k2 = blob(2);
  it('refuses an unknown key with its fingerprint and how to pin it', () => {
    const p = new HostKeyPolicy({ knownHosts: new KnownHosts('/x/known_hosts', ''), acceptNew: false });
    const d = p.decide(host({ computeNode: { name: 'compute-1' } as never }), k1);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.kind).toBe('unknown');
    expect(d.error.message).toContain(fingerprint(k1));
    expect(d.error.message).toContain(`hostKey: "${fingerprint(k1)}"`);
    expect(d.error.message).toContain('--accept-new-host-keys');
  });

  it('records an unknown key when asked, and reports it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    const recorded: string[] = [];
    const p = new HostKeyPolicy({ knownHosts: new KnownHosts(join(dir, 'kh')), acceptNew: true, onRecorded: (_h, fp) => recorded.push(fp) });
    expect(p.decide(host({ address: '192.168.100.40', via: 'router' }), k1)).toEqual({ ok: true, fingerprint: fingerprint(k1), key: `ssh-ed25519 ${k1.toString('base64')}` });
    expect(recorded).toEqual([fingerprint(k1)]);
    expect(readFileSync(join(dir, 'kh'), 'utf8')).toBe(`${line('192.168.100.40', k1)}\n`);
  });

  it('refuses a changed key even when accepting new ones', () => {
    const p = new HostKeyPolicy({ knownHosts: new KnownHosts('/x', line('198.51.100.11', k1)), acceptNew: true });
    const d = p.decide(host(), k2);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.message).toMatch(/HOST KEY CHANGED.*ssh-keygen -R/);
  });

  it('refuses, and does not record, a key of another type than the known one (no downgrade)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    const file = join(dir, 'known_hosts');
    const rsa = blob(3, 'ssh-rsa');
    writeFileSync(file, `${line('198.51.100.11', rsa)}\n`);
    const recorded: string[] = [];
    const p = new HostKeyPolicy({ knownHosts: new KnownHosts(file), acceptNew: true, onRecorded: (_h, fp) => recorded.push(fp) });
    const d = p.decide(host(), k1);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.kind).toBe('changed');
    expect(d.error.message).toContain(`expects ssh-rsa ${fingerprint(rsa)}`);
    expect(d.error.message).toContain(`presented ssh-ed25519 ${fingerprint(k1)}`);
    expect(d.error.message).toMatch(/another type than the known ones/);
    expect(d.error.message).not.toMatch(/--accept-new-host-keys/);
    expect(recorded).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe(`${line('198.51.100.11', rsa)}\n`);
    // A second run, without accepting new keys, refuses it the same way.
    const again = new HostKeyPolicy({ knownHosts: new KnownHosts(file), acceptNew: false }).decide(host(), k1);
    expect(!again.ok && again.error.kind).toBe('changed');
  });

  it('checks a pinned fingerprint before known_hosts, and a key seen earlier in the run', () => {
    const p = new HostKeyPolicy({ knownHosts: new KnownHosts('/x', ''), acceptNew: false });
    expect(p.decide(host({ hostKey: fingerprint(k1) }), k1).ok).toBe(true);
    const bad = p.decide(host({ hostKey: fingerprint(k1) }), k2);
    expect(!bad.ok && bad.error.message).toMatch(/does not match the pinned hostKey/);
    const p2 = new HostKeyPolicy({ knownHosts: new KnownHosts('/x', line('198.51.100.11', k2)), acceptNew: false });
    const after = p2.decide(host(), k2, fingerprint(k1));
    expect(!after.ok && after.error.message).toMatch(/changed during this run/);
  });
});

describe('hosts behind the router, in two clusters on the same management network', () => {
  const outputs: StackOutputs = {
    router_public_ip: '198.51.100.2',
    router_management_ip: '192.168.100.10',
    service_vm_ips: { juju: '192.168.100.10', keystone: '192.168.100.40' },
    hosts_block: [],
    juju_host: '198.51.100.2',
  };
  /** The keystone VM of cluster `name` (example.yaml renamed; every cluster has it at 192.168.100.40). */
  const keystoneOf = (name: string, routerIp: string): ClusterHost => {
    const text = readFileSync('inventory/example.yaml', 'utf8').replace(/^name: .*$/m, `name: ${name}`);
    const cluster = resolveCluster(parseInventory(text, `${name}.yaml`).model!, { ...outputs, router_public_ip: routerIp, juju_host: routerIp });
    return cluster.hosts.find((h) => h.name === 'keystone')!;
  };
  const east = keystoneOf('east', '198.51.100.2');
  const west = keystoneOf('west', '198.51.100.3');
  const kEast = blob(1);
  const kWest = blob(2);

  it('records and checks each one under its cluster\'s alias, so neither sees the other\'s key as a change', () => {
    expect(east.address).toBe(west.address);
    const file = join(mkdtempSync(join(tmpdir(), 'kh-')), 'known_hosts');
    const accepting = () => new HostKeyPolicy({ knownHosts: new KnownHosts(file), acceptNew: true });
    expect(accepting().decide(east, kEast).ok).toBe(true);
    expect(accepting().decide(west, kWest).ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${line('east.keystone', kEast)}\n${line('west.keystone', kWest)}\n`);
    const strict = new HostKeyPolicy({ knownHosts: new KnownHosts(file), acceptNew: false });
    expect(strict.decide(east, kEast).ok).toBe(true);
    expect(strict.decide(west, kWest).ok).toBe(true);
    expect(strict.preferredKeyTypes(west)).toEqual(['ssh-ed25519']);
    // West's key at east's keystone is a changed key, and the hint removes east's entry only.
    const d = strict.decide(east, kWest);
    expect(!d.ok && d.error.kind).toBe('changed');
    expect(!d.ok && d.error.message).toContain(`ssh-keygen -R 'east.keystone' -f ${file}`);
    expect(!d.ok && d.error.message).toContain('keystone (192.168.100.40, known as east.keystone via router)');
  });

  it('does not take an entry under the bare management address for either cluster', () => {
    const kh = new KnownHosts('/x', line('192.168.100.40', kEast));
    const d = new HostKeyPolicy({ knownHosts: kh, acceptNew: false }).decide(east, kEast);
    expect(!d.ok && d.error.kind).toBe('unknown');
    expect(!d.ok && d.error.message).toMatch(/under the name east\.keystone.*HostKeyAlias=east\.keystone/);
  });
});
