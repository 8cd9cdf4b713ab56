// The compute node's chain: exactly which management destinations go to the router, as
// iptables-save prints them, what it refuses, and the boot script and job that restore it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { desiredNodeRuleset, nodeDestinations } from '../../../src/remote/router/desired-node-ruleset.ts';
import { nodeBoot, NODE_SCRIPT_PATH, SYSTEMD_ENABLE_LINK, SYSTEMD_UNIT_PATH, UPSTART_JOB_PATH } from '../../../src/remote/router/node-boot.ts';
import { buildNodeRuleset, nodeRulesetScript } from '../../../src/remote/router/node-ruleset.ts';
import { RulesetError } from '../../../src/remote/router/ruleset.ts';
import { compareRuleset, parseSaved, restoreInput } from '../../../src/remote/router/ruleset-sync.ts';
import { iptablesSave, managedCluster } from '../../status/fixtures.ts';

describe('node ruleset', () => {
  it('sends every compute port at its VM, GRE to the gateway and the Juju API to the router public address', () => {
    const r = desiredNodeRuleset(managedCluster());
    expect(r.nat.chains).toEqual(['OPENCLOUD-NODE', 'OPENCLOUD-NODE-IN']);
    expect(r.nat.jumps).toEqual([
      { from: 'OUTPUT', to: 'OPENCLOUD-NODE' },
      { from: 'INPUT', to: 'OPENCLOUD-NODE-IN' },
    ]);
    // The reference's compute ports (fixtures: keystone at .40 from the outputs, others at their
    // reference addresses), then the Juju API at the router's management address.
    expect(r.nat.rules).toEqual([
      '-A OPENCLOUD-NODE -d 192.168.100.70/32 -p gre -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.40/32 -p tcp -m tcp --dport 35357 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.40/32 -p tcp -m tcp --dport 5000 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.110/32 -p tcp -m tcp --dport 5672 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.110/32 -p tcp -m tcp --dport 5671 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.50/32 -p tcp -m tcp --dport 3306 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.30/32 -p tcp -m tcp --dport 9292 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.90/32 -p tcp -m tcp --dport 8774 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.90/32 -p tcp -m tcp --dport 8775 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.90/32 -p tcp -m tcp --dport 9696 -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE -d 192.168.100.10/32 -p tcp -m tcp --dport 17070 -j DNAT --to-destination 198.51.100.2',
      // GRE the gateway starts arrives masqueraded as the router: from the gateway again.
      '-A OPENCLOUD-NODE-IN -s 198.51.100.2/32 -p gre -j SNAT --to-source 192.168.100.70',
    ]);
    expect(r.filter).toEqual({ chains: [], rules: [], jumps: [] });
    expect(nodeDestinations(managedCluster()).at(-1)).toEqual({ protocol: 'tcp', ip: '192.168.100.10', port: 17070 });
  });

  it('refuses destinations outside the management network, bad ports and a router inside it', () => {
    const base = { routerPublicIp: '198.51.100.2', managementCidr: '192.168.100.0/24' };
    expect(() => buildNodeRuleset({ ...base, destinations: [{ protocol: 'tcp', ip: '10.0.0.5', port: 22 }] })).toThrow('10.0.0.5 is not in the management network 192.168.100.0/24');
    const tcp = (port?: number) => () => buildNodeRuleset({ ...base, destinations: [{ protocol: 'tcp', ip: '192.168.100.5', ...(port === undefined ? {} : { port }) }] });
    expect(tcp()).toThrow('undefined is not a port number (to 192.168.100.5)');
    for (const bad of [0, -1, 65536, 70000, 1.5]) expect(tcp(bad)).toThrow(`${bad} is not a port number (to 192.168.100.5)`);
    for (const good of [1, 65535]) expect(tcp(good)).not.toThrow();
    expect(() => buildNodeRuleset({ ...base, destinations: [{ protocol: 'gre', ip: '192.168.100.5; reboot' }] })).toThrow('management address "192.168.100.5; reboot" is not an IPv4 address');
    expect(() => buildNodeRuleset({ ...base, routerPublicIp: '192.168.100.10', destinations: [] })).toThrow(/lies inside the management network/);
    expect(() => buildNodeRuleset({ ...base, routerPublicIp: '198.51.100.2 -j ACCEPT', destinations: [] })).toThrow('router public address "198.51.100.2 -j ACCEPT" is not an IPv4 address');
    expect(() => buildNodeRuleset({ ...base, managementCidr: 'nonsense', destinations: [] })).toThrow('"nonsense" is not an IPv4 network');
    expect(() => buildNodeRuleset({ ...base, destinations: [{ protocol: 'gre', ip: '192.168.100.70' }, { protocol: 'gre', ip: '192.168.100.80' }] })).toThrow(
      'GRE goes to one gateway only, not 192.168.100.70 and 192.168.100.80',
    );
  });

  it('is compared as text and rebuilt with one restore, jumped to once from OUTPUT', () => {
    const r = desiredNodeRuleset(managedCluster());
    const save = iptablesSave(r);
    const saved = { filter: parseSaved(save, 'filter'), nat: parseSaved(save, 'nat') };
    expect(compareRuleset(r, saved)).toEqual([]);
    const empty = { filter: parseSaved('', 'filter'), nat: parseSaved('', 'nat') };
    expect(compareRuleset(r, empty)).toEqual([
      'nat chain OPENCLOUD-NODE missing',
      'nat chain OPENCLOUD-NODE-IN missing',
      'nat jump OUTPUT -> OPENCLOUD-NODE present 0 times',
      'nat jump INPUT -> OPENCLOUD-NODE-IN present 0 times',
    ]);
    const input = restoreInput(r, empty).split('\n');
    expect(input.slice(input.indexOf('*nat'))).toEqual([
      '*nat',
      ':OPENCLOUD-NODE - [0:0]',
      ':OPENCLOUD-NODE-IN - [0:0]',
      ...r.nat.rules,
      '-I OUTPUT 1 -j OPENCLOUD-NODE',
      '-I INPUT 1 -j OPENCLOUD-NODE-IN',
      'COMMIT',
      '',
    ]);
  });

  it('writes a boot script that restores the chain and adds the jump only when missing', () => {
    const r = buildNodeRuleset({ routerPublicIp: '198.51.100.2', managementCidr: '192.168.100.0/24', destinations: [{ protocol: 'gre', ip: '192.168.100.70' }] });
    const script = nodeRulesetScript(r, 'line one\nline two');
    expect(script.split('\n')).toEqual([
      '#!/bin/sh',
      '# line one',
      '# line two',
      'set -e',
      "iptables-restore --noflush <<'EOF'",
      '*nat',
      ':OPENCLOUD-NODE - [0:0]',
      ':OPENCLOUD-NODE-IN - [0:0]',
      '-A OPENCLOUD-NODE -d 192.168.100.70/32 -p gre -j DNAT --to-destination 198.51.100.2',
      '-A OPENCLOUD-NODE-IN -s 198.51.100.2/32 -p gre -j SNAT --to-source 192.168.100.70',
      'COMMIT',
      'EOF',
      'iptables -t nat -C OUTPUT -j OPENCLOUD-NODE 2>/dev/null || iptables -t nat -I OUTPUT 1 -j OPENCLOUD-NODE',
      'iptables -t nat -C INPUT -j OPENCLOUD-NODE-IN 2>/dev/null || iptables -t nat -I INPUT 1 -j OPENCLOUD-NODE-IN',
      '',
    ]);
    // It is valid sh.
    execFileSync('sh', ['-n'], { input: script });
  });

  it('boots it with systemd before the network, or with an Upstart task on trusty', () => {
    const systemd = nodeBoot('noble', '#!/bin/sh\n');
    expect(systemd.files.map((f) => [f.path, f.mode])).toEqual([
      [NODE_SCRIPT_PATH, 0o755],
      [SYSTEMD_UNIT_PATH, 0o644],
    ]);
    const unit = systemd.files[1]!.content;
    expect(unit).toContain(`ExecStart=${NODE_SCRIPT_PATH}\n`);
    expect(unit).toContain('Before=network-pre.target shutdown.target\n');
    expect(unit).toContain('WantedBy=multi-user.target\n');
    expect(systemd.links).toEqual([{ path: SYSTEMD_ENABLE_LINK, target: SYSTEMD_UNIT_PATH }]);
    const upstart = nodeBoot('trusty', '#!/bin/sh\n');
    expect(upstart.files.map((f) => f.path)).toEqual([NODE_SCRIPT_PATH, UPSTART_JOB_PATH]);
    expect(upstart.files[1]!.content).toContain(`exec ${NODE_SCRIPT_PATH}\n`);
    expect(upstart.files[1]!.content).toContain('start on (starting network-interface or starting network-manager or starting networking)\n');
    expect(upstart.links).toEqual([]);
  });
});
