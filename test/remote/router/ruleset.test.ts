import { describe, expect, it } from 'vitest';
import { buildRuleset, RulesetError, type RulesetInput } from '../../../src/remote/router/ruleset.ts';
import { compareRuleset, parseSaved, restoreInput } from '../../../src/remote/router/ruleset-sync.ts';

const input: RulesetInput = {
  publicInterface: 'eth0',
  managementInterface: 'eth1',
  managementCidr: '192.168.100.0/24',
  forwards: [
    { port: 5000, vmIp: '192.168.100.40', vmPort: 5000 },
    { port: 8080, vmIp: '192.168.100.100', vmPort: 80 },
  ],
  computePorts: [
    { protocol: 'gre', vmIp: '192.168.100.70' },
    { protocol: 'tcp', port: 5672, vmIp: '192.168.100.110' },
  ],
  computeNodeIps: ['198.51.100.11', '198.51.100.12'],
  computeRouterPorts: [17070],
  clientCidrs: ['198.51.100.64/27'],
  allowAnyClient: false,
};

describe('buildRuleset', () => {
  it('writes the exact rules, as iptables-save prints them', () => {
    const r = buildRuleset(input);
    expect(r.nat.chains).toEqual(['OPENCLOUD-DNAT', 'OPENCLOUD-DNAT-COMPUTE', 'OPENCLOUD-DNAT-CLIENT', 'OPENCLOUD-SNAT']);
    expect(r.nat.rules).toEqual([
      '-A OPENCLOUD-DNAT -s 198.51.100.11/32 -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-COMPUTE',
      '-A OPENCLOUD-DNAT -s 198.51.100.12/32 -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-COMPUTE',
      '-A OPENCLOUD-DNAT -s 198.51.100.64/27 -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-CLIENT',
      '-A OPENCLOUD-DNAT-COMPUTE -p gre -j DNAT --to-destination 192.168.100.70',
      '-A OPENCLOUD-DNAT-COMPUTE -p tcp -m tcp --dport 5672 -j DNAT --to-destination 192.168.100.110:5672',
      '-A OPENCLOUD-DNAT-CLIENT -p tcp -m tcp --dport 5000 -j DNAT --to-destination 192.168.100.40:5000',
      '-A OPENCLOUD-DNAT-CLIENT -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.100.100:80',
      '-A OPENCLOUD-SNAT -s 192.168.100.0/24 -o eth0 -j MASQUERADE',
    ]);
    expect(r.nat.jumps).toEqual([
      { from: 'PREROUTING', to: 'OPENCLOUD-DNAT' },
      { from: 'POSTROUTING', to: 'OPENCLOUD-SNAT' },
    ]);
    expect(r.filter.chains).toEqual(['OPENCLOUD-FORWARD', 'OPENCLOUD-FWD-COMPUTE', 'OPENCLOUD-FWD-CLIENT', 'OPENCLOUD-INPUT', 'OPENCLOUD-IN-COMPUTE']);
    expect(r.filter.rules).toEqual([
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 192.168.100.0/24 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 198.51.100.11 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 198.51.100.12 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 198.51.100.64/27 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -i eth1 -o eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP',
      '-A OPENCLOUD-FORWARD -s 192.168.100.0/24 -i eth1 -o eth0 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -s 198.51.100.11/32 -i eth0 -o eth1 -j OPENCLOUD-FWD-COMPUTE',
      '-A OPENCLOUD-FORWARD -s 198.51.100.12/32 -i eth0 -o eth1 -j OPENCLOUD-FWD-COMPUTE',
      '-A OPENCLOUD-FORWARD -s 198.51.100.64/27 -i eth0 -o eth1 -j OPENCLOUD-FWD-CLIENT',
      '-A OPENCLOUD-FORWARD -i eth0 -o eth1 -j DROP',
      '-A OPENCLOUD-FWD-COMPUTE -d 192.168.100.70/32 -p gre -j ACCEPT',
      '-A OPENCLOUD-FWD-COMPUTE -d 192.168.100.110/32 -p tcp -m tcp --dport 5672 -j ACCEPT',
      '-A OPENCLOUD-FWD-CLIENT -d 192.168.100.40/32 -p tcp -m tcp --dport 5000 -j ACCEPT',
      '-A OPENCLOUD-FWD-CLIENT -d 192.168.100.100/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      '-A OPENCLOUD-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j ACCEPT',
      '-A OPENCLOUD-INPUT -s 198.51.100.64/27 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A OPENCLOUD-INPUT -s 198.51.100.11/32 -i eth0 -j OPENCLOUD-IN-COMPUTE',
      '-A OPENCLOUD-INPUT -s 198.51.100.12/32 -i eth0 -j OPENCLOUD-IN-COMPUTE',
      '-A OPENCLOUD-INPUT -i eth0 -p tcp -m tcp --dport 17070 -j DROP',
      '-A OPENCLOUD-IN-COMPUTE -p tcp -m tcp --dport 17070 -j ACCEPT',
      '-A OPENCLOUD-IN-COMPUTE -j DROP',
    ]);
    expect(r.filter.jumps).toEqual([
      { from: 'FORWARD', to: 'OPENCLOUD-FORWARD' },
      { from: 'INPUT', to: 'OPENCLOUD-INPUT' },
    ]);
  });

  it('passes established flows only of sources still allowed, so removing a node or client network cuts its flows', () => {
    const established = (r: ReturnType<typeof buildRuleset>, chain = 'OPENCLOUD-FORWARD') =>
      r.filter.rules.filter((l) => l.startsWith(`-A ${chain} `) && l.includes('--ctstate RELATED,ESTABLISHED'));
    const before = established(buildRuleset(input));
    const after = established(buildRuleset({ ...input, computeNodeIps: ['198.51.100.11'], clientCidrs: ['203.0.113.0/24'] }));
    expect(before.filter((l) => !after.includes(l))).toEqual([
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 198.51.100.12 -j ACCEPT',
      '-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED --ctorigsrc 198.51.100.64/27 -j ACCEPT',
    ]);
    // No rule accepts a flow whatever its origin; the replies of the others are dropped before the
    // management network's own way out could take them.
    expect(after.filter((l) => l.endsWith('-j ACCEPT') && !l.includes('--ctorigsrc'))).toEqual([]);
    // On the router itself only replies to what the router began pass as established; a node's own
    // flows (the Juju API) are judged per packet, so a removed node's connection is cut there too.
    expect(established(buildRuleset({ ...input, computeNodeIps: ['198.51.100.11'], clientCidrs: ['203.0.113.0/24'] }), 'OPENCLOUD-INPUT')).toEqual(['-A OPENCLOUD-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j ACCEPT']);
    expect(after.at(-1)).toBe('-A OPENCLOUD-FORWARD -i eth1 -o eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP');
    const rules = buildRuleset(input).filter.rules;
    expect(rules.indexOf(after.at(-1)!)).toBeLessThan(rules.indexOf('-A OPENCLOUD-FORWARD -s 192.168.100.0/24 -i eth1 -o eth0 -j ACCEPT'));
    // The whole Internet as client network (allowAnyClient): every flow's origin is allowed.
    const open = buildRuleset({ ...input, clientCidrs: ['0.0.0.0/0'], allowAnyClient: true });
    expect(open.filter.rules).toContain('-A OPENCLOUD-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  });

  it('refuses a world-open client network unless allowAnyClient', () => {
    expect(() => buildRuleset({ ...input, clientCidrs: ['0.0.0.0/0'] })).toThrow(RulesetError);
    expect(() => buildRuleset({ ...input, clientCidrs: ['0.0.0.0/0'] })).toThrow(/whole Internet/);
    // Judged on the normalized networks and by coverage, not by the literal 0.0.0.0/0.
    expect(() => buildRuleset({ ...input, clientCidrs: ['10.0.0.0/0'] })).toThrow(/whole Internet/);
    expect(() => buildRuleset({ ...input, clientCidrs: ['0.0.0.0/1', '128.0.0.0/1'] })).toThrow(/whole Internet \(100% of IPv4\)/);
    expect(() => buildRuleset({ ...input, clientCidrs: ['0.0.0.0/1', '128.0.0.0/1'], allowAnyClient: true })).not.toThrow();
    const open = buildRuleset({ ...input, clientCidrs: ['0.0.0.0/0'], allowAnyClient: true });
    // iptables-save prints no source match for 0.0.0.0/0.
    expect(open.nat.rules).toContain('-A OPENCLOUD-DNAT -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-CLIENT');
    expect(open.filter.rules).toContain('-A OPENCLOUD-FORWARD -i eth0 -o eth1 -j OPENCLOUD-FWD-CLIENT');
  });

  it('judges the world by the network, not its spelling: 10.0.0.0/0 is 0.0.0.0/0', () => {
    // A /0 with host bits set is still the whole Internet once iptables normalizes it.
    expect(() => buildRuleset({ ...input, clientCidrs: ['198.51.100.64/27', '10.0.0.0/0'] })).toThrow(
      'client networks 198.51.100.64/27, 10.0.0.0/0 open the forwarded ports to the whole Internet (100% of IPv4); allowAnyClient is not set',
    );
    const open = buildRuleset({ ...input, clientCidrs: ['10.0.0.0/0'], allowAnyClient: true });
    expect(open.nat.rules.filter((l) => l.includes('-j OPENCLOUD-DNAT-CLIENT'))).toEqual([
      '-A OPENCLOUD-DNAT -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-CLIENT',
    ]);
  });

  it('accepts ports 1 to 65535 and nothing outside, on both sides of a forward and for compute ports', () => {
    const forward = (port: number, vmPort: number) => buildRuleset({ ...input, forwards: [{ port, vmIp: '192.168.100.40', vmPort }] });
    expect(forward(65535, 1).nat.rules).toContain('-A OPENCLOUD-DNAT-CLIENT -p tcp -m tcp --dport 65535 -j DNAT --to-destination 192.168.100.40:1');
    expect(forward(1, 65535).filter.rules).toContain('-A OPENCLOUD-FWD-CLIENT -d 192.168.100.40/32 -p tcp -m tcp --dport 65535 -j ACCEPT');
    for (const [port, vmPort] of [[65536, 80], [80, 65536], [0, 80], [80, 0], [80.5, 80], [-1, 80]] as const) {
      expect(() => forward(port, vmPort), `${port} -> ${vmPort}`).toThrow(`${port === 80 ? vmPort : port} is not a port number`);
    }
    expect(() => buildRuleset({ ...input, computePorts: [{ protocol: 'tcp', port: 65536, vmIp: '192.168.100.110' }] })).toThrow('65536 is not a port number');
  });

  it('has no client or compute entry rules when there are none, and still declares every chain', () => {
    const r = buildRuleset({ ...input, clientCidrs: [], computeNodeIps: [] });
    expect(r.nat.rules.filter((l) => l.startsWith('-A OPENCLOUD-DNAT '))).toEqual([]);
    expect(r.filter.rules.filter((l) => / -j OPENCLOUD-FWD-/.test(l))).toEqual([]);
    expect(r.filter.chains).toHaveLength(5);
    expect(r.filter.rules.filter((l) => / -j OPENCLOUD-IN-COMPUTE$/.test(l))).toEqual([]);
    expect(r.nat.chains).toHaveLength(4);
  });

  it('writes networks as iptables-save does: network address, /32 for a host, no duplicates', () => {
    const r = buildRuleset({ ...input, clientCidrs: ['198.51.100.70/27', '198.51.100.64/27'], computeNodeIps: ['198.51.100.11', '198.51.100.11'] });
    expect(r.nat.rules.filter((l) => l.includes('-j OPENCLOUD-DNAT-CLIENT'))).toEqual([
      '-A OPENCLOUD-DNAT -s 198.51.100.64/27 -i eth0 -m addrtype --dst-type LOCAL -j OPENCLOUD-DNAT-CLIENT',
    ]);
    expect(r.nat.rules.filter((l) => l.includes('-j OPENCLOUD-DNAT-COMPUTE'))).toHaveLength(1);
  });

  it('lets a compute node reach only its router ports on the router, nobody else those ports, and never locks out SSH from a client network', () => {
    // A node inside a client network: its SSH still passes, before the node's drop.
    const r = buildRuleset({ ...input, computeNodeIps: ['198.51.100.70'], computeRouterPorts: [17070, 17070] });
    const inputRules = r.filter.rules.filter((l) => l.startsWith('-A OPENCLOUD-IN'));
    expect(inputRules).toEqual([
      '-A OPENCLOUD-INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j ACCEPT',
      '-A OPENCLOUD-INPUT -s 198.51.100.64/27 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A OPENCLOUD-INPUT -s 198.51.100.70/32 -i eth0 -j OPENCLOUD-IN-COMPUTE',
      '-A OPENCLOUD-INPUT -i eth0 -p tcp -m tcp --dport 17070 -j DROP',
      '-A OPENCLOUD-IN-COMPUTE -p tcp -m tcp --dport 17070 -j ACCEPT',
      '-A OPENCLOUD-IN-COMPUTE -j DROP',
    ]);
    // Nothing of ours ever matches the management interface on INPUT.
    expect(inputRules.some((l) => / -i eth1 /.test(l))).toBe(false);
    // Without router ports a node gets nothing on the router; a bad port is refused.
    expect(buildRuleset({ ...input, computeRouterPorts: [] }).filter.rules.filter((l) => l.startsWith('-A OPENCLOUD-IN-COMPUTE'))).toEqual(['-A OPENCLOUD-IN-COMPUTE -j DROP']);
    expect(() => buildRuleset({ ...input, computeRouterPorts: [0] })).toThrow('0 is not a port number');
  });

  it('refuses values that are not addresses, ports or interface names', () => {
    expect(() => buildRuleset({ ...input, publicInterface: 'eth0 -j ACCEPT' })).toThrow(RulesetError);
    expect(() => buildRuleset({ ...input, publicInterface: 'eth1' })).toThrow(/both eth1/);
    expect(() => buildRuleset({ ...input, forwards: [{ port: 0, vmIp: '192.168.100.40', vmPort: 5000 }] })).toThrow(RulesetError);
    expect(() => buildRuleset({ ...input, forwards: [{ port: 80, vmIp: '192.168.100.40:22', vmPort: 5000 }] })).toThrow(RulesetError);
    expect(() => buildRuleset({ ...input, clientCidrs: ['not-a-network'] })).toThrow(RulesetError);
    expect(() => buildRuleset({ ...input, computePorts: [{ protocol: 'tcp', vmIp: '192.168.100.110' }] })).toThrow(/port number/);
    // A node address in another spelling would be written as a different host than the inventory's.
    expect(() => buildRuleset({ ...input, computeNodeIps: ['198.51.100.011'] })).toThrow(/"198.51.100.011" is not an IPv4 address/);
  });

  it('says which value it refuses and why, as a RulesetError', () => {
    const refusal = (over: Partial<typeof input>) => {
      try {
        buildRuleset({ ...input, ...over });
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      throw new Error('accepted');
    };
    expect(refusal({ publicInterface: 'eth0 -j ACCEPT' })).toBe('RulesetError: public interface "eth0 -j ACCEPT" is not an interface name');
    expect(refusal({ managementInterface: 'eth1; reboot' })).toBe('RulesetError: management interface "eth1; reboot" is not an interface name');
    expect(refusal({ clientCidrs: ['not-a-network'] })).toBe('RulesetError: "not-a-network" is not an IPv4 network');
    // An IPv6 network has no place in the IPv4 ruleset (its number would be printed as an IPv4 one).
    expect(refusal({ clientCidrs: ['2001:db8::/32'] })).toBe('RulesetError: 2001:db8::/32 is not an IPv4 network');
    expect(refusal({ forwards: [{ port: 80, vmIp: '192.168.100.040', vmPort: 5000 }] })).toBe('RulesetError: "192.168.100.040" is not an IPv4 address');
    expect(refusal({ computePorts: [{ protocol: 'tcp', vmIp: '192.168.100.110' }] })).toBe('RulesetError: a tcp compute port needs a port number (to 192.168.100.110)');
  });
});

/** What iptables-save prints once the ruleset is in place (jumps at the head of the built-ins). */
function saveOutput(rules = buildRuleset(input), extra: { filter?: string[]; nat?: string[] } = {}): string {
  return [
    '# Generated by iptables-save v1.8.9 (nf_tables)',
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ...rules.filter.chains.map((c) => `:${c} - [0:0]`),
    '-A INPUT -j OPENCLOUD-INPUT',
    '-A FORWARD -j OPENCLOUD-FORWARD',
    '-A FORWARD -i docker0 -j ACCEPT',
    ...(extra.filter ?? []),
    ...rules.filter.rules,
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ...rules.nat.chains.map((c) => `:${c} - [0:0]`),
    '-A PREROUTING -j OPENCLOUD-DNAT',
    '-A POSTROUTING -j OPENCLOUD-SNAT',
    ...(extra.nat ?? []),
    ...rules.nat.rules,
    'COMMIT',
  ].join('\n');
}

const saved = (text: string) => ({ filter: parseSaved(text, 'filter'), nat: parseSaved(text, 'nat') });

describe('ruleset sync', () => {
  it('finds no difference when iptables-save shows exactly the ruleset', () => {
    expect(compareRuleset(buildRuleset(input), saved(saveOutput()))).toEqual([]);
  });

  it('on a router without our chains: creates them, fills them, jumps once from the head of each built-in chain', () => {
    const empty = saved('*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n');
    const r = buildRuleset(input);
    expect(compareRuleset(r, empty)).toContain('filter chain OPENCLOUD-FORWARD missing');
    const text = restoreInput(r, empty);
    expect(text.split('\n')).toEqual([
      '*filter',
      ':OPENCLOUD-FORWARD - [0:0]',
      ':OPENCLOUD-FWD-COMPUTE - [0:0]',
      ':OPENCLOUD-FWD-CLIENT - [0:0]',
      ':OPENCLOUD-INPUT - [0:0]',
      ':OPENCLOUD-IN-COMPUTE - [0:0]',
      ...r.filter.rules,
      '-I FORWARD 1 -j OPENCLOUD-FORWARD',
      '-I INPUT 1 -j OPENCLOUD-INPUT',
      'COMMIT',
      '*nat',
      ':OPENCLOUD-DNAT - [0:0]',
      ':OPENCLOUD-DNAT-COMPUTE - [0:0]',
      ':OPENCLOUD-DNAT-CLIENT - [0:0]',
      ':OPENCLOUD-SNAT - [0:0]',
      ...r.nat.rules,
      '-I PREROUTING 1 -j OPENCLOUD-DNAT',
      '-I POSTROUTING 1 -j OPENCLOUD-SNAT',
      'COMMIT',
      '',
    ]);
  });

  it('refills in place without adding a jump that exists, removes duplicate jumps and stale chains', () => {
    const old = buildRuleset({ ...input, clientCidrs: ['203.0.113.0/24'] });
    const text = saveOutput(old, { filter: [':OPENCLOUD-OLD - [0:0]', '-A FORWARD -j OPENCLOUD-FORWARD', '-A FORWARD -j OPENCLOUD-OLD', '-A OPENCLOUD-OLD -j ACCEPT'] });
    const state = saved(text);
    const r = buildRuleset(input);
    const diffs = compareRuleset(r, state);
    expect(diffs).toEqual([
      'filter chain OPENCLOUD-FORWARD: 2 rule(s) missing, 2 unexpected', // the client network's jump and its flows
      'filter chain OPENCLOUD-INPUT: 1 rule(s) missing, 1 unexpected',
      'filter chain OPENCLOUD-OLD is stale',
      'filter jump FORWARD -> OPENCLOUD-FORWARD present 2 times',
      'filter stale jump "-A FORWARD -j OPENCLOUD-OLD" (1x)',
      'nat chain OPENCLOUD-DNAT: 1 rule(s) missing, 1 unexpected',
    ]);
    const lines = restoreInput(r, state).split('\n');
    expect(lines.filter((l) => l.startsWith('-I '))).toEqual([]);
    expect(lines).toContain(':OPENCLOUD-OLD - [0:0]'); // flushed before it is deleted
    expect(lines.slice(lines.indexOf('-D FORWARD -j OPENCLOUD-FORWARD'), lines.indexOf('COMMIT'))).toEqual([
      '-D FORWARD -j OPENCLOUD-FORWARD',
      '-D FORWARD -j OPENCLOUD-OLD',
      '-X OPENCLOUD-OLD',
    ]);
  });

  it('sees rules in the wrong order as a difference', () => {
    const r = buildRuleset(input);
    const swapped = { ...r, filter: { ...r.filter, rules: [...r.filter.rules].reverse() } };
    expect(compareRuleset(r, saved(saveOutput(swapped)))).toEqual(['filter chain OPENCLOUD-FORWARD: 0 rule(s) missing, 0 unexpected, order or duplicates differ', 'filter chain OPENCLOUD-FWD-COMPUTE: 0 rule(s) missing, 0 unexpected, order or duplicates differ', 'filter chain OPENCLOUD-FWD-CLIENT: 0 rule(s) missing, 0 unexpected, order or duplicates differ', 'filter chain OPENCLOUD-INPUT: 0 rule(s) missing, 0 unexpected, order or duplicates differ', 'filter chain OPENCLOUD-IN-COMPUTE: 0 rule(s) missing, 0 unexpected, order or duplicates differ']);
  });

  it('ignores counters and spacing', () => {
    const text = saveOutput().replace(/^-A /gm, '[12:3456] -A ').replace(/ -j /g, '  -j ');
    expect(compareRuleset(buildRuleset(input), saved(text))).toEqual([]);
  });
});
