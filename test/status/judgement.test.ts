// What counts as down: an unreachable host, a unit whose agent is not `started` (or whose workload
// is in error), a forward whose rules are missing, a port that refuses or does not answer.
import { describe, expect, it } from 'vitest';
import { parseJujuStatus } from '../../src/remote/juju/status.ts';
import { commandLine } from '../../src/remote/quoting.ts';
import { desiredRuleset } from '../../src/remote/router/desired-ruleset.ts';
import { parseSaved, TABLES } from '../../src/remote/router/ruleset-sync.ts';
import type { Table } from '../../src/remote/router/ruleset.ts';
import type { SavedTable } from '../../src/remote/router/ruleset-sync.ts';
import { allUp, type StatusCheck } from '../../src/status/check.ts';
import { judgeProbe, probeCommand, PROBE_SECONDS } from '../../src/status/client-ports.ts';
import { hostCheck } from '../../src/status/host-reachability.ts';
import { jujuChecks, jujuFailedCheck } from '../../src/status/juju-units.ts';
import { forwardChecks, type RouterFacts } from '../../src/status/router-forwards.ts';
import { INTERFACES, iptablesSave, JUJU_STATUS, managedCluster } from './fixtures.ts';
import { STATUS_1_25_TROUBLE } from '../remote/juju/samples.ts';
import { FakeSession } from '../remote/fake-session.ts';

const brief = (checks: readonly StatusCheck[]) => checks.map((c) => `${c.host} | ${c.check} | ${c.state}`);

describe('hosts', () => {
  const cluster = managedCluster();
  const router = cluster.hosts.find((h) => h.name === 'router')!;
  const keystone = cluster.hosts.find((h) => h.name === 'keystone')!;

  it('a host that ran a command is up; one that could not be reached is unreachable, with the reason', () => {
    const session = new FakeSession(() => ({ code: 0, stdout: '', stderr: '' }), router);
    expect(hostCheck(router, { ok: true, session, ms: 42 })).toEqual({
      section: 'hosts',
      host: 'router',
      check: 'ssh (router, juju)',
      state: 'up',
      detail: 'ubuntu@198.51.100.2:22, answered in 42 ms',
    });
    const refused = hostCheck(router, { ok: false, error: 'router (root@198.51.100.2): cannot connect after 1 attempt: connect ECONNREFUSED 198.51.100.2:22' });
    expect(refused.state).toBe('unreachable');
    expect(refused.detail).toBe('router (root@198.51.100.2): cannot connect after 1 attempt: connect ECONNREFUSED 198.51.100.2:22');
    // A service VM behind an unreachable router says so, with the way SSH would have gone.
    expect(hostCheck(keystone, { ok: false, skipped: true, error: 'not tried: its jump host router is unreachable' })).toMatchObject({
      state: 'unreachable',
      detail: 'ubuntu@192.168.100.40:22 via router: not tried: its jump host router is unreachable',
    });
  });
});

describe('Juju units', () => {
  const checks = jujuChecks('router', parseJujuStatus(JUJU_STATUS));

  it('one line for juju status, one per service without units, one per unit (subordinates after their principal)', () => {
    expect(brief(checks)).toEqual([
      'router | juju status | up',
      '- | service glance | down',
      '192.168.100.40 | unit keystone/0 | up',
      '192.168.100.40 | unit nrpe/0 (on keystone/0) | up',
      '192.168.100.10 | unit mysql/0 | down',
      '192.168.100.100 | unit openstack-dashboard/0 | down',
    ]);
    expect(checks[0]!.detail).toBe('environment lab, 5 service(s), 4 unit(s), 3 machine(s)');
  });

  it('says why a unit is down: its agent state, its machine, Juju\'s message', () => {
    expect(checks.find((c) => c.check === 'unit mysql/0')!.detail).toBe('agent-state error, machine 0, hook failed: "install"');
    expect(checks.find((c) => c.check === 'unit openstack-dashboard/0')!.detail).toBe('agent-state pending, machine 2');
    expect(checks.find((c) => c.check === 'service glance')!.detail).toBe('no units (charm cs:trusty/glance-19)');
  });

  it('a started agent with its workload in error (Juju 1.24+) is down too', () => {
    const status = JSON.parse(JUJU_STATUS);
    status.services.keystone.units['keystone/0']['workload-status'] = { current: 'error', message: 'hook failed: "config-changed"' };
    const keystone = jujuChecks('router', parseJujuStatus(JSON.stringify(status))).find((c) => c.check === 'unit keystone/0')!;
    expect(keystone.state).toBe('down');
    expect(keystone.detail).toContain('workload error');
  });

  it('1.25 trouble: lost agents and down machines are down, a status-error service is failed, an unrelated subordinate is fine', () => {
    const trouble = jujuChecks('juju', parseJujuStatus(STATUS_1_25_TROUBLE));
    expect(brief(trouble)).toEqual([
      'juju | juju status | up',
      '- | service glance | down',
      '198.51.100.2 | unit keystone/0 | down',
      '198.51.100.11 | unit nova-compute/0 | down',
      '198.51.100.11 | unit ntp/0 (on nova-compute/0) | down',
      '198.51.100.12 | unit nova-compute/1 | down',
    ]);
    expect(trouble.find((c) => c.check === 'service glance')!.detail).toBe('status-error: constraints not found');
    expect(trouble.find((c) => c.check === 'unit keystone/0')!.detail).toBe(
      "agent-state started, agent lost: agent is not communicating with the server, workload unknown, machine 0, agent is lost, sorry! See 'juju status-history keystone/0'",
    );
    expect(trouble.find((c) => c.check === 'unit nova-compute/1')!.detail).toBe('agent-state started, machine 2 down, workload unknown, machine 2');
  });

  it('a juju status that fails is one line down with Juju\'s message', () => {
    expect(jujuFailedCheck('juju', new Error('juju status --format=json failed (exit 1): environment is not bootstrapped\nmore'))).toEqual({
      section: 'juju',
      host: 'juju',
      check: 'juju status',
      state: 'down',
      detail: 'juju status --format=json failed (exit 1): environment is not bootstrapped',
    });
  });
});

describe('router forwards', () => {
  const cluster = managedCluster();
  const desired = desiredRuleset(cluster, INTERFACES);
  const facts = (save: string, ipForward = '1'): RouterFacts => ({
    interfaces: INTERFACES,
    saved: Object.fromEntries(TABLES.map((t) => [t, parseSaved(save, t)])) as Record<Table, SavedTable>,
    ipForward,
  });

  it('everything up when iptables-save shows exactly what the router step writes', () => {
    const checks = forwardChecks(cluster, 'router', facts(iptablesSave(desired)));
    expect(brief(checks)).toEqual([
      'router | ip forwarding | up',
      'router | ruleset (OPENCLOUD-* chains) | up',
      'router | forward :5000 -> keystone 192.168.100.40:5000 | up',
      'router | forward :8080 -> openstack-dashboard 192.168.100.100:80 | up',
    ]);
    expect(allUp(checks)).toBe(true);
  });

  it('a forward whose DNAT rule is missing is down, and so is the ruleset; the other forward stays up', () => {
    const checks = forwardChecks(cluster, 'router', facts(iptablesSave(desired, (r) => r.includes('--dport 8080 -j DNAT'))));
    expect(checks.find((c) => c.check.startsWith('forward :8080'))).toMatchObject({ state: 'down', detail: 'missing: DNAT rule' });
    expect(checks.find((c) => c.check.startsWith('forward :5000'))!.state).toBe('up');
    expect(checks.find((c) => c.check.startsWith('ruleset'))).toMatchObject({
      state: 'down',
      detail: expect.stringContaining('nat chain OPENCLOUD-DNAT-CLIENT: 1 rule(s) missing'),
    });
  });

  it('a router without our chains (rebooted: not persisted) has every forward down', () => {
    const checks = forwardChecks(cluster, 'router', facts('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n', '0'));
    expect(brief(checks).filter((l) => l.endsWith('| up'))).toEqual([]);
    expect(checks[0]!.detail).toBe('net.ipv4.ip_forward = 0');
    expect(checks.find((c) => c.check.startsWith('forward :5000'))!.detail).toBe('missing: DNAT rule, FORWARD accept rule');
  });
});

describe('client ports', () => {
  it('probes with bash /dev/tcp under timeout; address and port are arguments, never shell text', () => {
    expect(probeCommand('192.168.100.40', 5000)).toEqual(['timeout', String(PROBE_SECONDS), 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'probe', '192.168.100.40', '5000']);
    expect(commandLine(probeCommand('192.168.100.40', 5000), { user: 'root' })).toBe(`timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' probe 192.168.100.40 5000`);
  });

  it('open is up; refused, no route and no answer are down with the reason', () => {
    expect(judgeProbe({ code: 0, stdout: '', stderr: '' })).toEqual({ state: 'up', detail: 'open' });
    expect(judgeProbe({ code: 1, stdout: '', stderr: 'bash: connect: Connection refused\nbash: line 1: /dev/tcp/192.168.100.40/5000: Connection refused\n' })).toEqual({
      state: 'down',
      detail: 'connection refused',
    });
    expect(judgeProbe({ code: 1, stdout: '', stderr: 'bash: connect: No route to host\n' }).detail).toBe('no route to host');
    expect(judgeProbe({ code: 124, stdout: '', stderr: '' })).toEqual({ state: 'down', detail: 'no answer within 3 s (filtered or host down)' });
    expect(judgeProbe({ code: 127, stdout: '', stderr: 'timeout: failed to run command ‘bash’: No such file or directory' }).detail).toMatch(/^cannot probe: timeout: failed to run command/);
  });
});

describe('the verdict', () => {
  it('up only when there is something checked and all of it is up', () => {
    const up: StatusCheck = { section: 'hosts', host: 'a', check: 'ssh', state: 'up', detail: '' };
    expect(allUp([up])).toBe(true);
    expect(allUp([])).toBe(false);
    expect(allUp([up, { ...up, state: 'unreachable' }])).toBe(false);
    expect(allUp([up, { ...up, state: 'down' }])).toBe(false);
  });
});
