// The cross-field checks (src/inventory/rules.ts), one test per check the audit of issue 17 found
// untested: each refuses the inventory at the value at fault, and says why.
import { describe, expect, it } from 'vitest';
import { EXISTING, MANAGED, edit, problems } from './fixtures.ts';

describe('cross-field checks', () => {
  it('refuses an availability zone of another region', () => {
    expect(problems(edit(MANAGED, { 3: 'controller:\n  availabilityZone: eu-west-1a' }))).toEqual([
      '4:21: controller.availabilityZone: eu-west-1a is not a zone of region us-east-1',
    ]);
  });
  it('refuses a forward of port 22, the router\'s own SSH port', () => {
    const forwards = (port: number) =>
      edit(MANAGED, { 8: `  clientCidrs: [203.0.113.0/24]\n  forwards:\n    - { port: 5000, vm: keystone, vmPort: 5000 }\n    - { port: ${port}, vm: nova-cloud-controller, vmPort: 22 }` });
    expect(problems(forwards(22))).toEqual(["11:15: controller.forwards[1].port: port 22 is the router's own SSH port and cannot be forwarded"]);
    expect(problems(forwards(2222))).toEqual([]); // the VM's port 22 may be reached through another one
  });

  it('refuses the same security group for GRE and keystone (existing controller)', () => {
    expect(problems(edit(EXISTING, { 6: '  keystoneSecurityGroup: juju-amazon-6' }))).toEqual([
      '6:26: controller.keystoneSecurityGroup: must differ from greSecurityGroup: the guide opens GRE and 35357 on two machines',
    ]);
  });

  it('refuses a host name given twice in the hosts block, at the second', () => {
    expect(problems(edit(EXISTING, { 10: '    - { ip: 203.0.113.21, names: [keystone.amazon, juju.amazon] }' }))).toEqual([
      '10:52: controller.hosts[1].names[1]: host name "juju.amazon" is already used by entry 1',
    ]);
  });

  it('refuses a compute node at a service VM\'s address (managed controller)', () => {
    expect(problems(edit(MANAGED, { 11: '    publicIp: 192.168.100.40' }))).toEqual([
      "11:15: computeNodes[0].publicIp: IP address 192.168.100.40 is already the keystone VM's address",
    ]);
    // An address given in controller.services counts as well as a reference one.
    const moved = edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24]\n  services:\n    glance: { ip: 192.168.100.200 }', 11: '    publicIp: 192.168.100.200' });
    expect(problems(moved)).toEqual(["13:15: computeNodes[0].publicIp: IP address 192.168.100.200 is already the glance VM's address"]);
  });

  it('refuses two NICs of a node with the same name, at the second', () => {
    expect(problems(edit(MANAGED, { 17: '      nics: [{ name: eth0, speedMbps: 1000 }, { name: eth0, speedMbps: 1000 }]' }))).toEqual([
      '17:55: computeNodes[0].hardware.nics[1].name: NIC name "eth0" is already used by entry 1',
    ]);
  });

  it('refuses a compute node at the Juju host (existing controller)', () => {
    expect(problems(edit(EXISTING, { 7: '  jujuHost: 203.0.113.30', 13: '    publicIp: 203.0.113.30' }))).toEqual([
      '13:15: computeNodes[0].publicIp: IP address 203.0.113.30 belongs to the controller (jujuHost or hosts)',
    ]);
  });
});
