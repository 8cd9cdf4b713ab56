import { describe, expect, it } from 'vitest';
import { resolveCluster } from '../../../src/remote/cluster-hosts.ts';
import { planUnits } from '../../../src/bootstrap/plan.ts';
import { findRouterInterfaces, parseAddresses, parseDefaultRouteDevice } from '../../../src/remote/router/interfaces.ts';
import type { StackOutputs } from '../../../src/inventory/stack-outputs.ts';
import { STEPS } from '../../../src/bootstrap/steps/index.ts';
import { environmentsYaml } from '../../../src/bootstrap/steps/juju-preinstall.ts';
import { withAuthorizedKey } from '../../../src/remote/facts/authorized-keys.ts';
import { controllerSettings, placements } from '../../../src/bootstrap/steps/controller-services.ts';
import { desiredRuleset } from '../../../src/remote/router/desired-ruleset.ts';
import { publicKeyIdentity } from '../../../src/remote/juju/ssh-key.ts';
import { renderOpenrc, shellWord } from '../../../src/client/openrc.ts';
import { loadModel } from '../../../src/inventory/load.ts';

const managed = loadModel('inventory/example.yaml');
const existing = loadModel('inventory/install-cloud.yaml');
const outputs: StackOutputs = {
  router_public_ip: '203.0.113.10',
  router_management_ip: '192.168.100.10',
  service_vm_ips: { juju: '192.168.100.10', keystone: '192.168.100.40', 'nova-cloud-controller': '192.168.100.90', 'quantum-gateway': '192.168.100.70' },
  hosts_block: [{ ip: '203.0.113.10', names: ['keystone.amazon'] }],
  juju_host: '203.0.113.10',
};
const CONTROLLER_STEPS = ['juju-preinstall', 'router', 'controller-services'];

describe('controller steps in the plan', () => {
  it('run on the router of a managed controller, router and juju-preinstall before controller-services', () => {
    const units = planUnits(resolveCluster(managed, outputs), STEPS).filter((u) => CONTROLLER_STEPS.includes(u.step.id));
    expect(units.map((u) => `${u.step.id}@${u.host.name}`)).toEqual(['juju-preinstall@router', 'router@router', 'controller-services@router']);
    const services = units.find((u) => u.step.id === 'controller-services')!;
    expect(services.dependsOn).toEqual([
      { step: 'juju-preinstall', host: 'router' },
      { step: 'router', host: 'router' },
    ]);
    // The compute steps wait for Juju's key and for the controller's services.
    const all = planUnits(resolveCluster(managed, outputs), STEPS);
    expect(all.find((u) => u.step.id === 'juju-key')!.dependsOn).toContainEqual({ step: 'juju-preinstall', host: 'router' });
    expect(all.find((u) => u.step.id === 'nova-compute')!.dependsOn).toContainEqual({ step: 'controller-services', host: 'router' });
  });

  it('select no host for an existing controller', () => {
    const units = planUnits(resolveCluster(existing), STEPS);
    expect(units.filter((u) => CONTROLLER_STEPS.includes(u.step.id))).toEqual([]);
    expect(units.some((u) => u.step.id === 'juju-key')).toBe(true);
  });
});

describe('router interfaces', () => {
  const lab = parseAddresses(
    [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '2: eth0    inet 198.51.100.2/24 brd 198.51.100.255 scope global eth0\\       valid_lft forever preferred_lft forever',
      '3: eth1    inet 192.168.100.10/24 brd 192.168.100.255 scope global eth1\\       valid_lft forever preferred_lft forever',
    ].join('\n'),
  );
  const hints = { managementIp: '192.168.100.10', managementCidr: '192.168.100.0/24', publicIp: '198.51.100.2', publicSubnetCidr: '192.168.1.0/24' };

  it('in the lab: the public interface carries the public address itself', () => {
    expect(findRouterInterfaces({ addresses: lab }, hints)).toEqual({ public: 'eth0', management: 'eth1', publicFoundBy: 'public address' });
  });

  it('in AWS: the Elastic IP is on no interface, so the default route tells', () => {
    const aws = parseAddresses(
      ['2: ens5    inet 192.168.1.20/24 metric 100 brd 192.168.1.255 scope global dynamic ens5', '3: ens6    inet 192.168.100.10/24 brd 192.168.100.255 scope global ens6'].join('\n'),
    );
    const dev = parseDefaultRouteDevice('default via 192.168.1.1 dev ens5 proto dhcp src 192.168.1.20 metric 100\n');
    expect(dev).toBe('ens5');
    expect(findRouterInterfaces({ addresses: aws, defaultRouteDevice: 'ens5' }, { ...hints, publicIp: '54.1.2.3' })).toEqual({
      public: 'ens5',
      management: 'ens6',
      publicFoundBy: 'default route',
    });
    // Without a default route: the address in the public subnet.
    expect(findRouterInterfaces({ addresses: aws }, { ...hints, publicIp: '54.1.2.3' }).publicFoundBy).toBe('public subnet');
  });

  it('says what it saw when it cannot tell', () => {
    expect(() => findRouterInterfaces({ addresses: lab.slice(0, 2) }, hints)).toThrow(/management address 192.168.100.10.*eth0 198.51.100.2\/24/);
    expect(() => findRouterInterfaces({ addresses: [lab[2]!], defaultRouteDevice: 'eth1' }, hints)).toThrow(/the management interface/);
  });

  it('strips the veth peer suffix', () => {
    expect(parseAddresses('5: eth0@if12    inet 10.0.0.1/24 scope global eth0')).toEqual([{ dev: 'eth0', ip: '10.0.0.1', prefix: 24 }]);
  });
});

describe('router ruleset of a cluster', () => {
  it('forwards each reference port to its VM, by the stack outputs address', () => {
    const r = desiredRuleset(resolveCluster(managed, outputs), { public: 'ens5', management: 'ens6', publicFoundBy: 'default route' });
    expect(r.nat.rules).toContain('-A OPENCLOUD-DNAT-CLIENT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.100.100:80');
    expect(r.nat.rules).toContain('-A OPENCLOUD-DNAT-COMPUTE -p gre -j DNAT --to-destination 192.168.100.70');
    expect(r.nat.rules.filter((l) => l.startsWith('-A OPENCLOUD-DNAT '))).toHaveLength(managed.computeNodes.length + (managed.controller.kind === 'managed' ? managed.controller.clientCidrs.length : 0));
  });
});

describe('juju-preinstall parts', () => {
  it('writes a manual-provider environment named after the cluster', () => {
    expect(environmentsYaml(resolveCluster(managed, outputs))).toBe(
      [
        '# Written by opencloud-provisioner (step juju-preinstall); a bootstrap run rewrites it.',
        `default: ${managed.name}`,
        'environments:',
        `  ${managed.name}:`,
        '    type: manual',
        '    bootstrap-host: 192.168.100.10',
        `    bootstrap-user: ${managed.ssh.user}`,
        `    default-series: ${managed.ubuntuSeries}`,
        '',
      ].join('\n'),
    );
  });

  it('adds a key to authorized_keys once, keeping every other line', () => {
    const key = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7';
    expect(withAuthorizedKey(null, key, 'juju@c')).toBe(`${key} juju@c\n`);
    expect(withAuthorizedKey('ssh-ed25519 AAAAC3Nz op', key, 'juju@c')).toBe(`ssh-ed25519 AAAAC3Nz op\n${key} juju@c\n`);
    expect(withAuthorizedKey(`from="10.0.0.1" ${key} other-comment\n`, key, 'juju@c')).toBeNull();
    expect(withAuthorizedKey(`# ${key}\n`, key, 'juju@c')).toBe(`# ${key}\n${key} juju@c\n`);
    expect(publicKeyIdentity('ssh-rsa   AAAA== c')).toBe('ssh-rsa AAAA==');
  });
});

describe('controller-services parts', () => {
  it('places every charm on its VM, mongodb beside ceilometer, none on the Juju VM', () => {
    const p = placements(resolveCluster(managed, outputs));
    expect(p.filter((x) => x.vm === 'ceilometer').map((x) => x.charm)).toEqual(['ceilometer', 'mongodb']);
    expect(p.some((x) => x.vm === 'juju')).toBe(false);
    expect(p).toHaveLength(10);
    expect(p.find((x) => x.charm === 'keystone')!.address).toBe('192.168.100.40');
  });

  it("sets the controller's charm settings, leaving nova-compute's to the compute steps", () => {
    expect(Object.fromEntries(controllerSettings(resolveCluster(managed, outputs)))).toEqual({
      'quantum-gateway': { 'instance-mtu': '1400' },
      keystone: { 'use-https': 'yes', 'https-service-endpoints': 'True' },
      'rabbitmq-server': { ssl: 'on' },
    });
  });
});

describe('client-config parts', () => {
  it('quotes every openrc value for sh', () => {
    expect(shellWord(`a'b "$(x)"`)).toBe(`'a'\\''b "$(x)"'`);
    expect(renderOpenrc({ cluster: 'c', keystoneIp: '192.168.100.40', password: 'p', caFile: '/x/c-ca.pem' })).toContain(
      "export OS_AUTH_URL='https://192.168.100.40:5000/v2.0'\nexport OS_TENANT_NAME='admin'\nexport OS_USERNAME='admin'\nexport OS_PASSWORD='p'\nexport OS_REGION_NAME='RegionOne'\nexport OS_CACERT='/x/c-ca.pem'\n",
    );
  });
});
