// One test per kind of bad input, each asserting the exact line and column reported.
import { describe, expect, it } from 'vitest';
import { EXISTING, MANAGED, edit, problems } from './fixtures.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatText } from '../../src/inventory/diagnostic.ts';
import { loadInventories, parseInventory } from '../../src/inventory/load.ts';
import { SERVICE_VMS, type ServiceVmName } from '../../src/inventory/reference.ts';

describe('valid inventories', () => {
  it('accepts the managed and the existing fixture without a problem', () => {
    expect(problems(MANAGED.join('\n'))).toEqual([]);
    expect(problems(EXISTING.join('\n'))).toEqual([]);
  });

  it('fills in the reference defaults', () => {
    const { model } = parseInventory(MANAGED.join('\n'), 'lab.yaml');
    expect(model?.ubuntuSeries).toBe('trusty');
    expect(model?.ssh).toEqual({ user: 'ubuntu', port: 22 });
    expect(model?.minimums.cpuCores).toBe(12);
    if (model?.controller.kind !== 'managed') throw new Error('expected a managed controller');
    expect(model.controller.serviceVms.map((vm) => `${vm.name}=${vm.ip}`)).toContain('keystone=192.168.100.40');
    expect(model.controller.router.ip).toBe('192.168.100.10');
    expect(model.controller.forwards.map((f) => f.port)).toEqual([35357, 5000, 8774, 9696, 9292, 8080, 3128, 8777]);
  });
});

describe('YAML syntax', () => {
  it('reports a duplicate key where it is repeated', () => {
    expect(problems(edit(MANAGED, { 2: 'region: us-east-1\nname: other' }))).toEqual([
      '3:1: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('reports the first syntax error alone, where the parser met it', () => {
    expect(problems(edit(MANAGED, { 5: '\tvpcCidr: 192.168.0.0/16' }))).toEqual(['5:1: YAML syntax error: Tabs are not allowed as indentation']);
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24}' }))).toEqual([
      '8:31: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports an alias without its anchor at the alias', () => {
    expect(problems(edit(MANAGED, { 2: 'region: *nowhere' }))).toEqual([
      '2:9: YAML alias error: Unresolved alias (the anchor must be set before the alias): nowhere',
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(problems('- just\n- a list\n')).toEqual(['1:1: an inventory must be a YAML mapping of keys such as name, region, controller']);
  });
});

describe('schema', () => {
  it('names the nearest known key for an unknown one, at the key', () => {
    expect(problems(edit(MANAGED, { 2: 'regoin: us-east-1' }))).toEqual([
      '1:1: missing required key "region"',
      '2:1: unknown key "regoin"; did you mean "region"?',
    ]);
    expect(problems(edit(MANAGED, { 7: '  managmentCidr: 192.168.100.0/24' }))).toEqual([
      '7:3: controller: unknown key "managmentCidr"; did you mean "managementCidr"?',
    ]);
    // Two letters off is still a typo of a short key (a third of "name" would be one).
    expect(problems(edit(MANAGED, { 1: 'nmae: lab' }))).toEqual(['1:1: missing required key "name"', '1:1: unknown key "nmae"; did you mean "name"?']);
  });

  it('says a controller that is not a mapping is the wrong type, not the wrong kind', () => {
    const p = problems(edit(MANAGED, { 3: 'controller: 5', 4: null, 5: null, 6: null, 7: null, 8: null }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^3:13: controller: .*expected object, received number$/);
  });

  it('points a missing key at its parent key', () => {
    expect(problems(edit(MANAGED, { 16: null }))).toEqual(['12:5: computeNodes[0].hardware: missing required key "diskTiB"']);
  });

  it('points a wrong type at the value', () => {
    expect(problems(edit(MANAGED, { 13: '      cpuCores: twelve' }))).toEqual([
      '13:17: computeNodes[0].hardware.cpuCores: must be a number (cores)',
    ]);
  });

  it('refuses a name that is not a lowercase DNS label', () => {
    expect(problems(edit(MANAGED, { 1: 'name: Lab_East' }))).toEqual([
      '1:7: name: must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, not ending with "-")',
    ]);
    expect(problems(edit(MANAGED, { 1: `name: ${'a'.repeat(33)}` }))).toEqual(['1:7: name: must be at most 32 characters']);
  });

  it('refuses an invalid IPv4 address and an invalid CIDR', () => {
    expect(problems(edit(MANAGED, { 11: '    publicIp: 198.51.100.256' }))).toEqual([
      '11:15: computeNodes[0].publicIp: must be an IPv4 address such as 198.51.100.11',
    ]);
    expect(problems(edit(MANAGED, { 5: '  vpcCidr: 192.168.0.0/33' }))).toEqual([
      '5:12: controller.vpcCidr: must be an IPv4 CIDR such as 192.168.100.0/24',
    ]);
  });

  it('refuses an unknown controller kind at the kind', () => {
    expect(problems(edit(MANAGED, { 4: '  kind: hosted' }))).toEqual([
      '4:9: controller.kind: kind must be "managed" (the stack builds the controller) or "existing"',
    ]);
  });

  it('refuses a port outside 1-65535', () => {
    const text = edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24]\n  forwards:\n    - { port: 0, vm: keystone, vmPort: 5000 }' });
    expect(problems(text)).toEqual(['10:15: controller.forwards[0].port: must be a port from 1 to 65535']);
  });
});

describe('values that reach a remote shell', () => {
  const hostile = ['$(reboot)', 'ubuntu; rm -rf /', '-oProxyCommand=x', "o'brien", 'a\nb', 'a b'];

  it.each(hostile)('refuses the ssh user %j', (user) => {
    const [problem] = problems(edit(MANAGED, { 2: `region: us-east-1\nssh:\n  user: ${JSON.stringify(user)}` }));
    expect(problem).toBe('4:9: ssh.user: must be a Unix user name (lowercase letters, digits, "_" "-")');
  });

  it.each(hostile)('refuses the compute node name %j', (name) => {
    const [problem] = problems(edit(MANAGED, { 10: `  - name: ${JSON.stringify(name)}` }));
    expect(problem).toMatch(/^10:11: computeNodes\[0\]\.name: must be a lowercase DNS label/);
  });

  it.each(['~/.ssh/$(id)', '/tmp/key; rm -rf /', '-i', '"key"', '/home/me/my key'])('refuses the key path %j', (path) => {
    const [problem] = problems(edit(MANAGED, { 2: `region: us-east-1\nssh:\n  privateKeyFile: ${JSON.stringify(path)}` }));
    expect(problem).toBe(
      '4:19: ssh.privateKeyFile: must be a file path of letters, digits and _ . ~ / + @ - (no spaces, quotes or shell characters)',
    );
  });

  it('refuses key material in place of a key path', () => {
    for (const material of ['-----BEGIN OPENSSH PRIVATE KEY-----', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample', 'AAAAC3NzaC1lZDI1NTE5AAAAIExampleExample']) {
      const [problem] = problems(edit(MANAGED, { 2: `region: us-east-1\nssh:\n  privateKeyFile: ${JSON.stringify(material)}` }));
      expect(problem).toBe('4:19: ssh.privateKeyFile: looks like key material; give the path of the key file, never the key itself');
    }
  });

  it('refuses a host name with shell characters in the hosts block', () => {
    expect(problems(edit(EXISTING, { 9: '    - { ip: 203.0.113.20, names: ["juju.amazon;id"] }' }))).toEqual([
      '9:35: controller.hosts[0].names[0]: must be a host name (letters, digits, "." "_" "-")',
    ]);
  });
});

describe('rules across fields', () => {
  it('refuses a duplicate compute node name and IP, at the second entry', () => {
    const second = MANAGED.slice(9).join('\n');
    expect(problems(`${MANAGED.join('\n')}\n${second}`)).toEqual([
      '18:11: computeNodes[1].name: compute node name "compute-1" is already used by entry 1',
      '19:15: computeNodes[1].publicIp: IP address "198.51.100.11" is already used by entry 1',
    ]);
  });

  it('refuses subnets outside the VPC, overlapping each other, or with host bits set', () => {
    expect(problems(edit(MANAGED, { 6: '  publicSubnetCidr: 10.0.1.0/24' }))).toEqual([
      '6:21: controller.publicSubnetCidr: 10.0.1.0/24 is not inside vpcCidr 192.168.0.0/16',
    ]);
    expect(problems(edit(MANAGED, { 6: '  publicSubnetCidr: 192.168.100.0/25' }))).toEqual([
      '7:19: controller.managementCidr: 192.168.100.0/24 overlaps publicSubnetCidr 192.168.100.0/25',
    ]);
    expect(problems(edit(MANAGED, { 5: '  vpcCidr: 192.168.7.0/16' }))).toEqual([
      '5:12: controller.vpcCidr: 192.168.7.0/16 is not a network address; host bits must be zero',
    ]);
  });

  it('refuses service VM addresses outside the management network, reserved by AWS, or taken twice', () => {
    const withServices = (lines: string) => edit(MANAGED, { 8: `  clientCidrs: [203.0.113.0/24]\n  services:\n${lines}` });
    expect(problems(withServices('    keystone: { ip: 192.168.101.40 }'))).toEqual([
      '10:21: controller.services.keystone.ip: keystone address 192.168.101.40 is outside the management network 192.168.100.0/24',
    ]);
    expect(problems(withServices('    keystone: { ip: 192.168.100.1 }'))).toEqual([
      "10:21: controller.services.keystone.ip: keystone address 192.168.100.1 is the VPC router's of 192.168.100.0/24, which AWS reserves",
    ]);
    expect(problems(withServices('    keystone: { ip: 192.168.100.255 }'))).toEqual([
      '10:21: controller.services.keystone.ip: keystone address 192.168.100.255 is the broadcast address of 192.168.100.0/24, which AWS reserves',
    ]);
    expect(problems(withServices('    keystone: { ip: 192.168.100.50 }'))).toEqual([
      '10:21: controller.services.keystone.ip: service VM address "192.168.100.50" is already used by entry 2',
    ]);
  });

  it('refuses a management network too small for the reference addresses', () => {
    expect(problems(edit(MANAGED, { 7: '  managementCidr: 192.168.100.0/26' }))).toEqual(
      ['rabbitmq-server', 'nova-cloud-controller', 'quantum-gateway', 'openstack-dashboard'].map(
        (vm) => `7:19: controller.managementCidr: 192.168.100.0/26 is too small for ${vm}'s reference address (offset .${SERVICE_VMS[vm as ServiceVmName].hostOffset}); use a /24 or give controller.services.${vm}.ip`,
      ),
    );
  });

  it('says which hardware minimum is missed and by how much', () => {
    const text = edit(MANAGED, {
      13: '      cpuCores: 8',
      14: '      arch: aarch64',
      15: '      memoryGiB: 32',
      16: '      diskTiB: 2.5',
      17: '      nics: [{ name: eth0, speedMbps: 100 }]',
    });
    expect(problems(text)).toEqual([
      '13:17: computeNodes[0].hardware.cpuCores: 8 cores is below the minimum of 12 cores by 4',
      '14:13: computeNodes[0].hardware.arch: architecture aarch64 is not the required x86_64',
      '15:18: computeNodes[0].hardware.memoryGiB: 32 GiB of memory is below the minimum of 48 GiB by 16 GiB',
      '16:16: computeNodes[0].hardware.diskTiB: 2.5 TiB of disk is below the minimum of 3 TiB by 0.5 TiB',
      '17:13: computeNodes[0].hardware.nics: 1 NIC(s) is below the minimum of 2 NICs by 1 (NIC1 public, NIC2 unconfigured)',
      '17:39: computeNodes[0].hardware.nics[0].speedMbps: NIC eth0 at 100 Mbps is below the minimum of 1000 Mbps by 900 Mbps',
    ]);
  });

  it('takes lowered minimums from the inventory (labs)', () => {
    const text = edit(MANAGED, { 2: 'region: us-east-1\nminimums: { cpuCores: 2, memoryGiB: 1 }', 13: '      cpuCores: 2', 15: '      memoryGiB: 4' });
    expect(problems(text)).toEqual([]);
  });

  it('refuses 0.0.0.0/0 as a client network unless allowAnyClient is set', () => {
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24, 0.0.0.0/0]' }))).toEqual([
      '8:33: controller.clientCidrs[1]: 0.0.0.0/0 opens the forwarded ports to the whole Internet; set controller.allowAnyClient: true if that is really meant',
    ]);
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [0.0.0.0/0, 203.0.113.0/24]\n  allowAnyClient: true' }))).toEqual([]);
  });

  it('refuses a port forwarded twice, at the second', () => {
    const text = edit(MANAGED, {
      8: '  clientCidrs: [203.0.113.0/24]\n  forwards:\n    - { port: 5000, vm: keystone, vmPort: 5000 }\n    - { port: 5000, vm: glance, vmPort: 9292 }',
    });
    expect(problems(text)).toEqual(['11:15: controller.forwards[1].port: port "5000" is already used by entry 1']);
  });

  it('refuses duplicate host entries and a node at a controller address (existing controller)', () => {
    expect(problems(edit(EXISTING, { 10: '    - { ip: 203.0.113.20, names: [keystone.amazon] }' }))).toEqual([
      '10:13: controller.hosts[1].ip: IP address "203.0.113.20" is already used by entry 1',
    ]);
    expect(problems(edit(EXISTING, { 13: '    publicIp: 203.0.113.21' }))).toEqual([
      '13:15: computeNodes[0].publicIp: IP address 203.0.113.21 belongs to the controller (jujuHost or hosts)',
    ]);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = edit(MANAGED, { 1: 'name: Lab', 8: '  clientCidrs: [0.0.0.0/0]', 11: '    publicIp: nope', 14: '      arch: x86_64\n      colour: blue' });
    expect(problems(text)).toEqual([
      '1:7: name: must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, not ending with "-")',
      '11:15: computeNodes[0].publicIp: must be an IPv4 address such as 198.51.100.11',
      '15:7: computeNodes[0].hardware: unknown key "colour"; known keys: cpuCores, arch, memoryGiB, diskTiB, nics',
    ]);
  });
});

describe('what synthesis needs, checked with the inventory', () => {
  it('refuses client networks that are all "any", even with allowAnyClient: SSH to the router needs the operator\'s network', () => {
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [0.0.0.0/0]\n  allowAnyClient: true' }))).toEqual([
      "8:16: controller.clientCidrs: must also name the operator's own network: SSH to the router is never opened to 0.0.0.0/0",
    ]);
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [0.0.0.0/0, 203.0.113.0/24]\n  allowAnyClient: true' }))).toEqual([]);
  });

  it('refuses EC2 compute nodes under an existing controller, at the ec2 key', () => {
    expect(problems(edit(EXISTING, { 13: '    publicIp: 198.51.100.31\n    ec2: { instanceType: m5.4xlarge }' }))).toEqual([
      '14:10: computeNodes[0].ec2: EC2 compute nodes need a subnet, which an existing controller does not name yet; build this node by hand or use a managed controller',
    ]);
  });

  it('refuses a publicKeyFile that is not a readable OpenSSH public key, at its value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencloud-load-'));
    const file = join(dir, 'lab.yaml');
    writeFileSync(file, edit(MANAGED, { 8: '  clientCidrs: [203.0.113.0/24]\n  publicKeyFile: /nonexistent/opencloud.pub' }));
    expect(loadInventories([file]).diagnostics.map(formatText)).toEqual([
      `${file}:9:18: controller.publicKeyFile: cannot be read (/nonexistent/opencloud.pub): ENOENT`,
    ]);
    writeFileSync(join(dir, 'id.pub'), 'not a key\n');
    writeFileSync(file, edit(MANAGED, { 8: `  clientCidrs: [203.0.113.0/24]\n  publicKeyFile: ${join(dir, 'id.pub')}` }));
    expect(loadInventories([file]).diagnostics.map((d) => d.message)).toEqual([
      `controller.publicKeyFile: ${join(dir, 'id.pub')} is not an OpenSSH public key (one line, "ssh-ed25519 AAAA...")`,
    ]);
  });
});

describe('the world by another name', () => {
  it('refuses client networks that together cover the Internet without allowAnyClient', () => {
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [0.0.0.0/1, 128.0.0.0/1]' }))).toEqual([
      "8:16: controller.clientCidrs: must also name the operator's own network: SSH to the router is never opened to 0.0.0.0/0",
      '8:17: controller.clientCidrs[0]: 0.0.0.0/1 opens the forwarded ports to 50% of the Internet (a /4 or more counts as any client); set controller.allowAnyClient: true if that is really meant',
      '8:28: controller.clientCidrs[1]: 128.0.0.0/1 opens the forwarded ports to 50% of the Internet (a /4 or more counts as any client); set controller.allowAnyClient: true if that is really meant',
    ]);
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [16.0.0.0/5, 24.0.0.0/5, 203.0.113.0/24]' }))).toEqual([
      '8:16: controller.clientCidrs: together cover 6.25% of the Internet (a /4\'s worth or more counts as any client); set controller.allowAnyClient: true if that is really meant',
    ]);
  });

  it('refuses a client network with host bits set', () => {
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [1.2.3.4/1, 203.0.113.0/24]' }))).toEqual([
      '8:17: controller.clientCidrs[0]: 1.2.3.4/1 is not a network address; host bits must be zero',
    ]);
  });

  it('with allowAnyClient, still keeps SSH to networks that do not add up to the world', () => {
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [0.0.0.0/1, 128.0.0.0/1, 203.0.113.0/24]\n  allowAnyClient: true' }))).toEqual([]);
    expect(problems(edit(MANAGED, { 8: '  clientCidrs: [16.0.0.0/5, 24.0.0.0/5]\n  allowAnyClient: true' }))).toEqual([
      '8:16: controller.clientCidrs: the networks SSH is opened to (16.0.0.0/5, 24.0.0.0/5) together cover 6.25% of the Internet: SSH to the router is never opened that wide',
    ]);
  });
});

