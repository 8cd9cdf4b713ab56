import { describe, expect, it } from 'vitest';
import { CHARM_CONFIG, CONTROLLER_RELATIONS, PORT_FORWARDS, SERVICE_VM_NAMES, SERVICE_VMS, HARDWARE_MINIMUMS } from '../../src/inventory/reference.ts';

describe('reference data', () => {
  it('has the ten service VMs with the sizes of the guide', () => {
    expect(SERVICE_VM_NAMES).toHaveLength(10);
    expect(SERVICE_VMS.glance).toMatchObject({ vcpus: 2, memoryMiB: 4096, diskGiB: 160 });
    expect(SERVICE_VMS.juju).toMatchObject({ vcpus: 1, memoryMiB: 2048, diskGiB: 20, hostOffset: 10 });
    expect(SERVICE_VMS.ceilometer.charms).toEqual(['ceilometer', 'mongodb']);
  });

  it('gives every VM its own address offset', () => {
    const offsets = SERVICE_VM_NAMES.map((vm) => SERVICE_VMS[vm].hostOffset);
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it('forwards each public port once, 8774 included', () => {
    const ports = PORT_FORWARDS.map((f) => f.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(PORT_FORWARDS).toContainEqual({ port: 8080, vm: 'openstack-dashboard', vmPort: 80 });
    expect(ports).toContain(8774);
  });

  it('keeps the hardware minimums of the guide', () => {
    expect(HARDWARE_MINIMUMS).toEqual({ cpuCores: 12, arch: 'x86_64', memoryGiB: 48, diskTiB: 3, nics: 2, nicSpeedMbps: 1000 });
  });

  it('gives nova-compute a firewall driver nova can load: the full class path of the original openstack.cfg', () => {
    // nova imports firewall_driver by its dotted path; a bare class name stops nova-compute at start.
    expect(CHARM_CONFIG['nova-compute']?.['config-flags']).toBe('firewall_driver=nova.virt.firewall.NoopFirewallDriver');
  });

  it('relates nagios to nrpe, as the original juju-relations.py does', () => {
    expect(CONTROLLER_RELATIONS).toContainEqual(['nagios', 'nrpe']);
  });

  it('names the endpoints of quantum-gateway to rabbitmq-server: the bare pair is ambiguous on Juju 1.25', () => {
    // quantum-gateway requires `amqp` and `amqp-nova`, both of interface rabbitmq; Juju 1.25's
    // state.InferEndpoints (state/state.go:1311 at juju-1.25.9) refuses such a pair as ambiguous.
    expect(CONTROLLER_RELATIONS).toContainEqual(['quantum-gateway:amqp', 'rabbitmq-server:amqp']);
    expect(CONTROLLER_RELATIONS).not.toContainEqual(['quantum-gateway', 'rabbitmq-server']);
  });
});
