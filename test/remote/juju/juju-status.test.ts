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
} from '../../../src/remote/juju/status.ts';
import { STATUS_1_25, STATUS_EMPTY } from './samples.ts';

describe('parseJujuStatus (Juju 1.25 JSON)', () => {
  const status = parseJujuStatus(STATUS_1_25);

  it('reads machines with containers, in numeric id order', () => {
    expect(status.environment).toBe('lab');
    expect(status.machines.map((m) => m.id)).toEqual(['0', '0/lxc/0', '1', '2']);
    expect(status.machines[2]).toEqual({ id: '1', agentState: 'started', dnsName: '198.51.100.11', instanceId: 'manual:198.51.100.11', series: 'trusty' });
  });

  it('reads services, units in numeric order, subordinates with their principal', () => {
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
    const failed = allUnits(status).filter(unitFailed);
    expect(failed.map((u) => [u.name, u.message])).toEqual([['nova-compute/10', 'hook failed: "install"']]);
  });

  it('accepts null maps (an empty environment)', () => {
    const empty = parseJujuStatus(STATUS_EMPTY);
    expect(empty.services).toEqual({});
    expect(empty.machines.map((m) => m.id)).toEqual(['0']);
  });

  it('refuses what is not status JSON, saying why', () => {
    expect(() => parseJujuStatus('environment: lab\n')).toThrow(JujuStatusError);
    expect(() => parseJujuStatus('{"machines":{"1":{"dns-name":5}}}')).toThrow(/machines\.1\.dns-name/);
    expect(() => parseJujuStatus('{"services":{"x":{"units":{}}}}')).toThrow(/services\.x\.charm/);
  });
});

describe('status queries', () => {
  const status = parseJujuStatus(STATUS_1_25);

  it('finds a machine by dns-name, or by manual instance id when it has no address yet', () => {
    expect(findMachineByAddress(status, '198.51.100.11')?.id).toBe('1');
    expect(findMachineByAddress(status, '198.51.100.12')?.id).toBe('2');
    expect(findMachineByAddress(status, '198.51.100.13')).toBeUndefined();
    // The state server's instance id is the bare "manual:"; it is found by its dns-name only.
    expect(findMachineByAddress(status, '198.51.100.2')?.id).toBe('0');
    expect(findMachineByAddress(status, '')).toBeUndefined();
  });

  it('finds the principal unit on a machine', () => {
    expect(unitOnMachine(status, 'nova-compute', '1')?.name).toBe('nova-compute/2');
    expect(unitOnMachine(status, 'nova-compute', '0')).toBeUndefined();
    expect(unitOnMachine(status, 'keystone', '1')).toBeUndefined();
  });

  it('knows a relation with or without endpoint names, from either side', () => {
    expect(hasRelation(status, ['nova-compute:shared-db', 'mysql:shared-db'])).toBe(true);
    expect(hasRelation(status, ['mysql', 'nova-compute'])).toBe(true);
    expect(hasRelation(status, ['nova-compute', 'nrpe'])).toBe(true);
    expect(hasRelation(status, ['nova-compute:amqp', 'mysql'])).toBe(false); // wrong endpoint
    expect(hasRelation(status, ['nova-compute', 'glance'])).toBe(false); // glance is not deployed
    expect(hasRelation(status, ['nova-compute', 'rabbitmq-server'])).toBe(false);
  });
});
