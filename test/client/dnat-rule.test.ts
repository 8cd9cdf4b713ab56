import { describe, expect, it } from 'vitest';
import { clientDnatCommands, clientDnatRestore, clientDnatRules, legacyClientDnatRule, shadowingClusters, type ClientForward } from '../../src/client/dnat-rule.ts';
import { PORT_FORWARDS, SERVICE_VMS } from '../../src/inventory/reference.ts';

const ROUTER = '203.0.113.10';
// The reference forwards at the reference addresses: what Keystone advertises, and the public port.
const ADDRESSES: Record<string, string> = {
  keystone: '192.168.100.40',
  'nova-cloud-controller': '192.168.100.90',
  glance: '192.168.100.30',
  'openstack-dashboard': '192.168.100.100',
  nagios: '192.168.100.60',
  ceilometer: '192.168.100.20',
};
const forwards: ClientForward[] = PORT_FORWARDS.map((f) => ({ vmIp: ADDRESSES[f.vm]!, vmPort: f.vmPort, port: f.port }));

describe('client DNAT rules', () => {
  it('redirect only the forwarded VM ports, each to the public port the router forwards to it, marked with the cluster', () => {
    expect(Object.keys(SERVICE_VMS)).toEqual(expect.arrayContaining(Object.keys(ADDRESSES)));
    expect(clientDnatCommands('lab-a', forwards, ROUTER)).toEqual([
      "iptables -t nat -A OUTPUT -d 192.168.100.40/32 -p tcp -m tcp --dport 35357 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:35357",
      "iptables -t nat -A OUTPUT -d 192.168.100.40/32 -p tcp -m tcp --dport 5000 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:5000",
      "iptables -t nat -A OUTPUT -d 192.168.100.90/32 -p tcp -m tcp --dport 8774 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:8774",
      "iptables -t nat -A OUTPUT -d 192.168.100.90/32 -p tcp -m tcp --dport 9696 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:9696",
      "iptables -t nat -A OUTPUT -d 192.168.100.30/32 -p tcp -m tcp --dport 9292 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:9292",
      // The dashboard and nagios both serve on 80, on different VMs, behind different public ports.
      "iptables -t nat -A OUTPUT -d 192.168.100.100/32 -p tcp -m tcp --dport 80 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:8080",
      "iptables -t nat -A OUTPUT -d 192.168.100.60/32 -p tcp -m tcp --dport 80 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:3128",
      "iptables -t nat -A OUTPUT -d 192.168.100.20/32 -p tcp -m tcp --dport 8777 -m comment --comment 'opencloud client-config lab-a' -j DNAT --to-destination 203.0.113.10:8777",
    ]);
  });

  it('write one rule per VM address and port even if two public ports forward to it', () => {
    const twice = [...forwards, { vmIp: '192.168.100.40', vmPort: 5000, port: 15000 }];
    expect(clientDnatRules('lab-a', twice, ROUTER)).toHaveLength(forwards.length);
  });
});

describe('applying the client DNAT rules', () => {
  const desired = clientDnatRules('lab-a', forwards.slice(0, 2), ROUTER);
  const saved = (cluster: string, f: ClientForward[]) =>
    clientDnatRules(cluster, f, ROUTER).map((r) => `-A ${r.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
  const legacy = legacyClientDnatRule('192.168.100.0/24', ROUTER);

  it('changes nothing when the chain holds exactly this cluster\'s rules', () => {
    const chain = ['-P OUTPUT ACCEPT', ...saved('lab-b', forwards.slice(0, 1)), ...saved('lab-a', forwards.slice(0, 2))];
    expect(clientDnatRestore('lab-a', chain, desired, legacy)).toBeNull();
  });

  it("replaces this cluster's stale rules and the old whole-network rule in one transaction, leaving another cluster's alone", () => {
    const other = saved('lab-b', forwards.slice(0, 1));
    const stale = saved('lab-a', forwards.slice(0, 3));
    const chain = ['-P OUTPUT ACCEPT', '-A OUTPUT -d 192.168.100.0/24 -p tcp -j DNAT --to-destination 203.0.113.10', ...other, ...stale];
    expect(clientDnatRestore('lab-a', chain, desired, legacy)).toBe(
      ['*nat', ...stale.map((l) => l.replace('-A ', '-D ')), legacy.replace('-A ', '-D '), ...saved('lab-a', forwards.slice(0, 2)), 'COMMIT', ''].join('\n'),
    );
    // The name "lab" is a prefix of "lab-a": its rules are not "lab"'s.
    expect(clientDnatRestore('lab', stale, [], legacy)).toBeNull();
  });

  it('names the other clusters whose rules take the same endpoints first', () => {
    const chain = [...saved('lab-b', forwards.slice(1, 2)), ...saved('lab-c', [{ vmIp: '192.168.101.40', vmPort: 5000, port: 5000 }]), ...saved('lab-a', forwards.slice(0, 1))];
    expect(shadowingClusters('lab-a', chain, desired)).toEqual(['lab-b']);
  });
});
