// Juju 1.x status parsing and the questions the steps ask of it.
import { describe, expect, it } from 'vitest';
import {
  allUnits,
  findMachineByAddress,
  hasRelation,
  JujuStatusError,
  parseJujuStatus,
  unitFailed,
  unitOnMachine,
  unitStarted,
} from '../../../src/remote/juju/status.ts';
import { STATUS_1_25, STATUS_1_25_TROUBLE, STATUS_EMPTY } from './samples.ts';

// Each test parses for itself: a parse at describe level runs outside every test, and mutation
// testing (per-test coverage) would not run these tests against the parser's mutants.
describe('parseJujuStatus (Juju 1.25 JSON)', () => {

  it('reads machines with containers, in numeric id order', () => {
    const status = parseJujuStatus(STATUS_1_25);
    expect(status.environment).toBe('lab');
    expect(status.machines.map((m) => m.id)).toEqual(['0', '0/lxc/0', '1', '2']);
    expect(status.machines[2]).toEqual({ id: '1', agentState: 'started', dnsName: '198.51.100.11', instanceId: 'manual:198.51.100.11', series: 'trusty' });
  });

  it('reads services, units in numeric order, subordinates with their principal', () => {
    const status = parseJujuStatus(STATUS_1_25);
    const nova = status.services['nova-compute']!;
    expect(nova.charm).toBe('cs:trusty/nova-compute-14');
    expect(nova.units.map((u) => u.name)).toEqual(['nova-compute/2', 'nova-compute/10']);
    expect(nova.units[0]!.subordinates).toEqual([
      { name: 'nrpe/0', service: 'nrpe', agentState: 'pending', workloadState: 'maintenance', publicAddress: '198.51.100.11', principal: 'nova-compute/2', subordinates: [] },
    ]);
    expect(status.services.nrpe!.units).toEqual([]);
    expect(status.services.nrpe!.subordinateTo).toEqual(['nova-compute']);
    expect(allUnits(status).map((u) => u.name)).toEqual(['mysql/0', 'nova-compute/2', 'nrpe/0', 'nova-compute/10']);
  });

  it('reports a unit in error with its message', () => {
    const status = parseJujuStatus(STATUS_1_25);
    const failed = allUnits(status).filter(unitFailed);
    expect(failed.map((u) => [u.name, u.message])).toEqual([['nova-compute/10', 'hook failed: "install"']]);
  });

  it('reads the whole of a 1.25 status into exactly what the steps act on', () => {
    const status = parseJujuStatus(STATUS_1_25);
    const machine = (id: string, agentState: string, rest: object) => ({ id, agentState, ...rest });
    const unit = (name: string, rest: object) => ({ name, service: name.split('/')[0], subordinates: [], ...rest });
    expect(status).toEqual({
      environment: 'lab',
      machines: [
        machine('0', 'started', { dnsName: '198.51.100.2', instanceId: 'manual:', series: 'trusty' }),
        machine('0/lxc/0', 'pending', { dnsName: '10.0.3.12', instanceId: 'juju-machine-0-lxc-0', series: 'trusty' }),
        machine('1', 'started', { dnsName: '198.51.100.11', instanceId: 'manual:198.51.100.11', series: 'trusty' }),
        machine('2', 'pending', { instanceId: 'manual:198.51.100.12', series: 'trusty' }),
      ],
      services: {
        mysql: {
          name: 'mysql',
          charm: 'cs:trusty/mysql-38',
          exposed: false,
          relations: { 'shared-db': ['nova-compute'] },
          units: [unit('mysql/0', { agentState: 'started', workloadState: 'unknown', machine: '0', publicAddress: '198.51.100.2' })],
          subordinateTo: [],
        },
        'nova-compute': {
          name: 'nova-compute',
          charm: 'cs:trusty/nova-compute-14',
          exposed: false,
          relations: { 'nrpe-external-master': ['nrpe'], 'shared-db': ['mysql'] },
          units: [
            unit('nova-compute/2', {
              agentState: 'started',
              workloadState: 'unknown',
              machine: '1',
              publicAddress: '198.51.100.11',
              subordinates: [
                unit('nrpe/0', { agentState: 'pending', workloadState: 'maintenance', publicAddress: '198.51.100.11', principal: 'nova-compute/2' }),
              ],
            }),
            unit('nova-compute/10', { agentState: 'error', message: 'hook failed: "install"', workloadState: 'error', machine: '2' }),
          ],
          subordinateTo: [],
        },
        nrpe: { name: 'nrpe', charm: 'cs:trusty/nrpe-4', exposed: false, relations: { 'nrpe-external-master': ['nova-compute'] }, units: [], subordinateTo: ['nova-compute'] },
      },
    });
  });

  it('fills what Juju left out: unknown states, no environment, a workload error as the message', () => {
    const sparse = parseJujuStatus(
      JSON.stringify({
        machines: { '10': { 'agent-state-info': 'no route to host' }, '9': { containers: { '9/lxc/10': { 'agent-state': 'down' }, '9/lxc/2': {} } } },
        services: {
          web: {
            charm: 'cs:trusty/apache2-1',
            exposed: true,
            units: {
              'web/0': { 'workload-status': { current: 'error', message: 'hook failed: "config-changed"' }, subordinates: null },
              'web/1': {
                'agent-state': 'started',
                'agent-state-info': '',
                'workload-status': { current: 'active', message: 'ready' },
                subordinates: { 'nrpe/10': { 'agent-state': 'started' }, 'nrpe/2': {} },
              },
            },
          },
          quiet: { charm: 'cs:trusty/ubuntu-1' },
        },
      }),
    );
    expect(sparse).toEqual({
      machines: [
        { id: '9', agentState: 'unknown' },
        { id: '9/lxc/2', agentState: 'unknown' },
        { id: '9/lxc/10', agentState: 'down', agentDown: true },
        { id: '10', agentState: 'unknown', agentStateInfo: 'no route to host' },
      ],
      services: {
        web: {
          name: 'web',
          charm: 'cs:trusty/apache2-1',
          exposed: true,
          relations: {},
          units: [
            { name: 'web/0', service: 'web', agentState: 'unknown', message: 'hook failed: "config-changed"', workloadState: 'error', subordinates: [] },
            {
              name: 'web/1',
              service: 'web',
              agentState: 'started',
              workloadState: 'active',
              subordinates: [
                { name: 'nrpe/2', service: 'nrpe', agentState: 'unknown', principal: 'web/1', subordinates: [] },
                { name: 'nrpe/10', service: 'nrpe', agentState: 'started', principal: 'web/1', subordinates: [] },
              ],
            },
          ],
          subordinateTo: [],
        },
        // Not exposed unless Juju says so.
        quiet: { name: 'quiet', charm: 'cs:trusty/ubuntu-1', exposed: false, relations: {}, units: [], subordinateTo: [] },
      },
    });
    expect(allUnits(sparse).filter(unitFailed).map((u) => u.name)).toEqual(['web/0']);
  });

  it('accepts null maps (an empty environment)', () => {
    const empty = parseJujuStatus(STATUS_EMPTY);
    expect(empty.services).toEqual({});
    expect(empty.machines.map((m) => m.id)).toEqual(['0']);
  });

  it('refuses what is not status JSON, saying why', () => {
    expect(() => parseJujuStatus('environment: lab\n')).toThrow(JujuStatusError);
    expect(() => parseJujuStatus('environment: lab\n')).toThrow(expect.objectContaining({ name: 'JujuStatusError' }));
    expect(() => parseJujuStatus('{"machines":{"1":{"dns-name":5}}}')).toThrow(/machines\.1\.dns-name/);
    expect(() => parseJujuStatus('{"services":{"x":{"units":{}}}}')).toThrow(/services\.x: no charm and no status-error/);
    expect(() => parseJujuStatus('ERROR Unable to connect to environment "lab".')).toThrow(
      /^cannot read juju status: not JSON \(.+\); is this Juju 1\.x with --format=json\?$/,
    );
    expect(() => parseJujuStatus('[]')).toThrow(/^cannot read juju status: unexpected shape: \(top\): /);
    // At most five problems are listed, each at its path.
    const many = JSON.stringify({ machines: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((id) => [id, { series: 7 }])) });
    const message = (() => {
      try {
        parseJujuStatus(many);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message.match(/machines\.\d\.series: /g)).toHaveLength(5);
    expect(message).toMatch(/^cannot read juju status: unexpected shape: machines\.1\.series: [^;]+; machines\.2\.series: /);
  });
});

describe('status queries', () => {

  it('finds a machine by dns-name, or by manual instance id when it has no address yet', () => {
    const status = parseJujuStatus(STATUS_1_25);
    expect(findMachineByAddress(status, '198.51.100.11')?.id).toBe('1');
    expect(findMachineByAddress(status, '198.51.100.12')?.id).toBe('2');
    expect(findMachineByAddress(status, '198.51.100.13')).toBeUndefined();
    // The state server's instance id is the bare "manual:"; it is found by its dns-name only.
    expect(findMachineByAddress(status, '198.51.100.2')?.id).toBe('0');
    expect(findMachineByAddress(status, '')).toBeUndefined();
  });

  it('finds the principal unit on a machine', () => {
    const status = parseJujuStatus(STATUS_1_25);
    expect(unitOnMachine(status, 'nova-compute', '1')?.name).toBe('nova-compute/2');
    expect(unitOnMachine(status, 'nova-compute', '0')).toBeUndefined();
    expect(unitOnMachine(status, 'keystone', '1')).toBeUndefined();
  });

  it('knows a relation with or without endpoint names, from either side', () => {
    const status = parseJujuStatus(STATUS_1_25);
    expect(hasRelation(status, ['nova-compute:shared-db', 'mysql:shared-db'])).toBe(true);
    expect(hasRelation(status, ['mysql', 'nova-compute'])).toBe(true);
    expect(hasRelation(status, ['nova-compute', 'nrpe'])).toBe(true);
    expect(hasRelation(status, ['nova-compute:amqp', 'mysql'])).toBe(false); // wrong endpoint
    expect(hasRelation(status, ['nova-compute', 'glance'])).toBe(false); // glance is not deployed
    expect(hasRelation(status, ['glance', 'nova-compute'])).toBe(false); // from either side
    expect(hasRelation(status, ['nova-compute', 'rabbitmq-server'])).toBe(false);
    // One side listing the other is not enough while the other side exists and does not.
    const oneSided = parseJujuStatus(
      JSON.stringify({ services: { a: { charm: 'cs:a-1', relations: { db: ['b'], cache: ['c'] } }, b: { charm: 'cs:b-1', relations: {} } } }),
    );
    expect(hasRelation(oneSided, ['a', 'b'])).toBe(false);
    expect(hasRelation(oneSided, ['b', 'a'])).toBe(false);
    expect(hasRelation(oneSided, ['a', 'c'])).toBe(false); // a lists c, but c is not deployed
    expect(hasRelation(oneSided, ['c', 'a'])).toBe(false);
  });
});

describe('parseJujuStatus: 1.25 liveness and errors', () => {
  const status = parseJujuStatus(STATUS_1_25_TROUBLE);
  const unit = (name: string) => allUnits(status).find((u) => u.name === name)!;

  it('a machine whose agent is down, as 1.25 prints it (info in parentheses) and as before 1.21 (down)', () => {
    expect(status.machines.map((m) => [m.id, m.agentDown ?? false])).toEqual([['0', false], ['1', true], ['2', true]]);
  });

  it('a unit with a lost agent, or on a down machine, is not started although agent-state says so', () => {
    expect(unit('keystone/0')).toMatchObject({ agentState: 'started', agentDown: 'agent lost: agent is not communicating with the server' });
    expect(unit('nova-compute/0')).toMatchObject({ agentState: 'started', agentDown: 'machine 1 down' });
    expect(unit('ntp/0')).toMatchObject({ agentState: 'started', agentDown: 'machine 1 down' }); // on its principal's machine
    expect(unit('nova-compute/1')).toMatchObject({ agentDown: 'machine 2 down' });
    expect(allUnits(status).filter(unitStarted)).toEqual([]);
    expect(allUnits(parseJujuStatus(STATUS_1_25)).filter(unitStarted).map((u) => u.name)).toEqual(['mysql/0', 'nova-compute/2']);
  });

  it('a service in status-error is read as such, without making the whole status unreadable', () => {
    expect(status.services.glance).toEqual({ name: 'glance', statusError: 'constraints not found', exposed: false, relations: {}, units: [], subordinateTo: [] });
    expect(status.services['ceilometer-agent']).toMatchObject({ charm: 'cs:trusty/ceilometer-agent-5', units: [], subordinateTo: [] });
  });

  it('a service with neither charm nor status-error is still refused', () => {
    expect(() => parseJujuStatus(JSON.stringify({ machines: {}, services: { odd: { exposed: false } } }))).toThrow(/services\.odd: .*charm/);
  });
});
