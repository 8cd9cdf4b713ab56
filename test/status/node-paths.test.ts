// The node paths of `opencloud status`: from each compute node, its chain compared with what
// node-nat writes, and a TCP connect to each management destination, judged like the client ports.
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../src/remote/host.ts';
import { desiredNodeRuleset } from '../../src/remote/router/desired-node-ruleset.ts';
import { nodePathChecks } from '../../src/status/node-paths.ts';
import { FakeSession, ok } from '../remote/fake-session.ts';
import { iptablesSave, managedCluster } from './fixtures.ts';

const node = { name: 'compute-1', roles: ['compute'] as const, address: '198.51.100.11', port: 22, user: 'ubuntu' };
const brief = (checks: readonly { host: string; check: string; state: string; detail: string }[]) => checks.map((c) => `${c.host} | ${c.check} | ${c.state} | ${c.detail}`);

/** A node whose iptables-save shows `save` and whose probes answer per `ip:port`. */
function nodeSession(save: string, probe: (target: string) => ExecResult) {
  return new FakeSession((argv) => {
    if (argv[0] === 'iptables-save') return ok(argv.includes('nat') ? save : '');
    if (argv[0] === 'timeout') return probe(`${argv[6]}:${argv[7]}`);
    throw new Error(`unexpected ${argv.join(' ')}`);
  }, node);
}

describe('node paths', () => {
  const cluster = managedCluster();
  const chain = iptablesSave(desiredNodeRuleset(cluster));

  it('every destination open and the chain as node-nat writes it: all up, GRE judged by the chain', async () => {
    const checks = await nodePathChecks(nodeSession(chain, () => ok()), cluster, 1000);
    expect(brief(checks)).toEqual([
      'compute-1 | node chain (OPENCLOUD-NODE) | up | 11 destinations via the router (GRE to 192.168.100.70 judged by this chain)',
      'compute-1 | tcp 192.168.100.40:35357 | up | open (keystone)',
      'compute-1 | tcp 192.168.100.40:5000 | up | open (keystone)',
      'compute-1 | tcp 192.168.100.110:5672 | up | open (rabbitmq-server)',
      'compute-1 | tcp 192.168.100.110:5671 | up | open (rabbitmq-server)',
      'compute-1 | tcp 192.168.100.50:3306 | up | open (mysql)',
      'compute-1 | tcp 192.168.100.30:9292 | up | open (glance)',
      'compute-1 | tcp 192.168.100.90:8774 | up | open (nova-cloud-controller)',
      'compute-1 | tcp 192.168.100.90:8775 | up | open (nova-cloud-controller)',
      'compute-1 | tcp 192.168.100.90:9696 | up | open (nova-cloud-controller)',
      'compute-1 | tcp 192.168.100.10:17070 | up | open (router (Juju API))',
    ]);
    expect(checks.every((c) => c.section === 'paths')).toBe(true);
  });

  it('reports each failing path on its own, with the reason, and a lost chain with what differs', async () => {
    const probe = (target: string): ExecResult => {
      if (target === '192.168.100.110:5672') return { code: 124, stdout: '', stderr: '' };
      if (target === '192.168.100.10:17070') return { code: 1, stdout: '', stderr: 'bash: connect: Connection refused\nbash: line 1: /dev/tcp/192.168.100.10/17070: Connection refused' };
      return ok();
    };
    // A rebooted node whose boot job did not run: no chain, no jump.
    const checks = await nodePathChecks(nodeSession('*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n', probe), cluster, 1000);
    const down = checks.filter((c) => c.state !== 'up');
    expect(brief(down)).toEqual([
      'compute-1 | node chain (OPENCLOUD-NODE) | down | differs from what node-nat writes: nat chain OPENCLOUD-NODE missing; nat chain OPENCLOUD-NODE-IN missing; nat jump OUTPUT -> OPENCLOUD-NODE present 0 times; nat jump INPUT -> OPENCLOUD-NODE-IN present 0 times (re-run bootstrap --only node-nat)',
      'compute-1 | tcp 192.168.100.110:5672 | down | no answer within 3 s (filtered or host down) (rabbitmq-server)',
      'compute-1 | tcp 192.168.100.10:17070 | down | connection refused (router (Juju API))',
    ]);
  });

  it('a probe that cannot run is down, and a node whose tables cannot be read is one line down', async () => {
    const lost = new FakeSession((argv) => {
      if (argv[0] === 'iptables-save') return ok(chain);
      throw new Error('connection lost');
    }, node);
    const checks = await nodePathChecks(lost, cluster, 1000);
    expect(checks.filter((c) => c.state === 'down')).toHaveLength(10);
    expect(checks[1]!.detail).toBe('probe failed: connection lost (keystone)');
    const unreadable = new FakeSession(() => ({ code: 1, stdout: '', stderr: 'sudo: a password is required' }), node);
    expect(brief(await nodePathChecks(unreadable, cluster, 1000))).toEqual([expect.stringMatching(/^compute-1 \| node chain \(OPENCLOUD-NODE\) \| down \| cannot read: /)]);
  });
});
