// The Juju client against a scripted Juju host: idempotent creation, argv-only commands, the
// environment lock, and bounded waiting.
import { describe, expect, it } from 'vitest';
import { JujuClient } from '../../../src/remote/juju/client.ts';
import { JujuCommandError, JujuUnitError, JujuWaitTimeoutError } from '../../../src/remote/juju/errors.ts';
import { withJujuLock } from '../../../src/remote/juju/lock.ts';
import { FakeSession, fail, ok } from '../fake-session.ts';
import { GET_JSON_REFUSED_1_25, GET_NOVA_COMPUTE_1_25, STATUS_1_25, STATUS_EMPTY } from './samples.ts';

const statusWith = (machines: Record<string, object>, services: Record<string, object> = {}) => JSON.stringify({ environment: 'lab', machines, services });

describe('JujuClient', () => {
  it('add-machine: an address Juju already has is not added again', async () => {
    const s = new FakeSession((argv) => (argv[1] === 'status' ? ok(STATUS_1_25) : fail('unexpected')));
    expect(await new JujuClient(s).addMachine('root', '198.51.100.11')).toBe('1');
    expect(s.jujuCalls).toEqual(['status --format=json']);
  });

  it('add-machine: reads the id from "created machine N" (stderr), argv only', async () => {
    const s = new FakeSession((argv) => (argv[1] === 'status' ? ok(STATUS_EMPTY) : ok('', 'created machine 7\n')));
    expect(await new JujuClient(s).addMachine('ubuntu', '198.51.100.13')).toBe('7');
    expect(s.commands).toContainEqual(['juju', 'add-machine', 'ssh:ubuntu@198.51.100.13']);
  });

  it('add-machine: "already provisioned" is success when status has the machine', async () => {
    let added = false;
    const s = new FakeSession((argv) => {
      if (argv[1] === 'status') return ok(added ? statusWith({ '4': { 'dns-name': '198.51.100.13', 'agent-state': 'pending' } }) : STATUS_EMPTY);
      added = true;
      return fail('ERROR machine is already provisioned\n');
    });
    expect(await new JujuClient(s).addMachine('root', '198.51.100.13')).toBe('4');
  });

  it('add-machine: a failed log-in is an error with Juju\'s message', async () => {
    const s = new FakeSession((argv) =>
      argv[1] === 'status' ? ok(STATUS_EMPTY) : fail('ERROR subprocess encountered error code 255 (Permission denied (publickey).)\n'),
    );
    await expect(new JujuClient(s).addMachine('root', '198.51.100.13')).rejects.toThrow(/Permission denied \(publickey\)/);
  });

  it('deploy writes the --config YAML first and treats "service already exists" as success', async () => {
    const s = new FakeSession((argv) => {
      if (argv[0] === 'sh') return ok('/home/ubuntu');
      if (argv[0] === 'mkdir') return ok();
      if (argv[1] === 'deploy') return fail('ERROR cannot add service "nova-compute": service already exists\n');
      return fail('unexpected');
    });
    const outcome = await new JujuClient(s).deploy('nova-compute', { to: '3', config: { 'openstack-origin': 'cloud:trusty-icehouse', 'config-flags': 'a=b' } });
    expect(outcome).toBe('exists');
    const file = '/home/ubuntu/.opencloud/charm-config/nova-compute.yaml';
    expect(s.files.get(file)).toBe('"nova-compute":\n  "openstack-origin": "cloud:trusty-icehouse"\n  "config-flags": "a=b"\n');
    expect(s.commands).toContainEqual(['juju', 'deploy', '--to', '3', '--config', file, 'nova-compute']);
  });

  it('add-relation: "relation already exists" is success; other errors are not', async () => {
    const s = new FakeSession((argv) =>
      argv[2] === 'nova-compute'
        ? fail('ERROR cannot add relation "nova-compute:amqp rabbitmq-server:amqp": relation already exists\n')
        : fail('ERROR service "glance" not found\n'),
    );
    const client = new JujuClient(s);
    expect(await client.addRelation(['nova-compute', 'rabbitmq-server'])).toBe('exists');
    await expect(client.addRelation(['glance', 'mysql'])).rejects.toThrow(JujuCommandError);
    await expect(client.addRelation(['glance', 'mysql'])).rejects.toThrow(/service "glance" not found/);
  });

  it('get reads the YAML Juju 1.25 prints (settings.<key>.value), never --format=json', async () => {
    // Juju 1.25's `get` knows only YAML: --format=json is a usage error (exit 2).
    const s = new FakeSession((argv) =>
      argv[1] === 'get' ? (argv.includes('--format=json') ? fail(GET_JSON_REFUSED_1_25, 2) : ok(GET_NOVA_COMPUTE_1_25)) : fail('unexpected'),
    );
    expect(await new JujuClient(s).get('nova-compute')).toEqual({
      'config-flags': 'firewall_driver=nova.virt.firewall.NoopFirewallDriver',
      debug: 'false',
      'instance-mtu': '1400',
      'use-https': 'yes',
      'virt-type': 'kvm',
    });
    expect(s.jujuCalls).toEqual(['get nova-compute']);
  });

  it('get refuses output that is not the settings YAML, naming the service', async () => {
    const s = new FakeSession(() => ok('- just\n- a list\n'));
    await expect(new JujuClient(s).get('glance')).rejects.toThrow(/juju get glance: .*settings/);
  });

  it('set changes only what differs (reading the YAML of juju get)', async () => {
    const s = new FakeSession((argv) =>
      argv[1] === 'get' ? (argv.includes('--format=json') ? fail(GET_JSON_REFUSED_1_25, 2) : ok(GET_NOVA_COMPUTE_1_25)) : ok(),
    );
    const client = new JujuClient(s);
    expect(await client.set('nova-compute', { 'virt-type': 'qemu', debug: 'false', 'instance-mtu': '1400' })).toEqual(['virt-type']);
    expect(s.jujuCalls).toEqual(['get nova-compute', 'set nova-compute virt-type=qemu']);
  });

  it('run quotes the argv into the one command line Juju hands to the shell', async () => {
    const s = new FakeSession(() => ok('secret\n'));
    expect(await new JujuClient(s).run({ unit: 'keystone/0' }, ['sudo', 'cat', '/var/lib/keystone/keystone.passwd'])).toBe('secret\n');
    expect(s.commands[0]).toEqual(['juju', 'run', '--unit=keystone/0', '--', 'sudo cat /var/lib/keystone/keystone.passwd']);
    await new JujuClient(s).run({ machine: '1' }, ['echo', 'a b; rm -rf /']);
    expect(s.commands[1]![4]).toBe("echo 'a b; rm -rf /'");
  });
});

describe('JujuClient.waitForUnits', () => {
  const unitStatus = (state: string, info?: string) =>
    statusWith(
      { '1': { 'agent-state': 'started', 'dns-name': '198.51.100.11' } },
      { 'nova-compute': { charm: 'cs:trusty/nova-compute-14', units: { 'nova-compute/0': { 'agent-state': state, ...(info ? { 'agent-state-info': info } : {}), machine: '1' } } } },
    );

  it('polls until the selected units are started, logging progress', async () => {
    const answers = [unitStatus('pending'), unitStatus('pending'), unitStatus('started')];
    const s = new FakeSession(() => ok(answers.shift() ?? unitStatus('started')));
    const log: string[] = [];
    const units = await new JujuClient(s).waitForUnits((u) => u.service === 'nova-compute', { pollSeconds: 0.01, maxPolls: 10, log: (m) => log.push(m) });
    expect(units.map((u) => u.name)).toEqual(['nova-compute/0']);
    expect(log).toEqual(['waiting for nova-compute/0 (pending): poll 1/10', 'waiting for nova-compute/0 (pending): poll 2/10']);
  });

  it('does not take a lost agent for a started one (1.25 keeps agent-state started)', async () => {
    const lost = JSON.parse(unitStatus('started'));
    lost.services['nova-compute'].units['nova-compute/0']['agent-status'] = { current: 'lost', message: 'agent is not communicating with the server' };
    const answers = [JSON.stringify(lost), unitStatus('started')];
    const s = new FakeSession(() => ok(answers.shift() ?? unitStatus('started')));
    const log: string[] = [];
    await new JujuClient(s).waitForUnits((u) => u.service === 'nova-compute', { pollSeconds: 0.01, maxPolls: 5, log: (m) => log.push(m) });
    expect(log).toEqual(['waiting for nova-compute/0 (started, agent lost: agent is not communicating with the server): poll 1/5']);
  });

  it('fails at once on a unit in error, with its message', async () => {
    const s = new FakeSession(() => ok(unitStatus('error', 'hook failed: "install"')));
    const wait = new JujuClient(s).waitForUnits((u) => u.service === 'nova-compute', { pollSeconds: 0.01, maxPolls: 10 });
    await expect(wait).rejects.toThrow(JujuUnitError);
    await expect(wait).rejects.toThrow('nova-compute/0 (hook failed: "install")');
    expect(s.jujuCalls.length).toBe(1); // one poll: no waiting out the bound
  });

  it('gives up after maxPolls, naming what is still pending', async () => {
    const s = new FakeSession(() => ok(unitStatus('pending')));
    const wait = new JujuClient(s).waitForUnits((u) => u.service === 'nova-compute', { pollSeconds: 0.01, maxPolls: 3 });
    await expect(wait).rejects.toThrow(JujuWaitTimeoutError);
    await expect(wait).rejects.toThrow(/after 3 polls.*nova-compute\/0 is pending/);
  });

  it('waits for a unit that has not appeared yet, and says so', async () => {
    const s = new FakeSession(() => ok(STATUS_EMPTY));
    await expect(new JujuClient(s).waitForUnits(() => true, { pollSeconds: 0.01, maxPolls: 2 })).rejects.toThrow(/no matching unit appeared/);
  });
});

describe('the Juju environment lock', () => {
  it('serializes exclusive sections on one environment and is re-entrant', async () => {
    const trace: string[] = [];
    const section = (name: string) =>
      withJujuLock('env-a', async () => {
        trace.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 5));
        await withJujuLock('env-a', async () => trace.push(`${name} nested`)); // no deadlock
        trace.push(`${name} out`);
      });
    await Promise.all([section('a'), section('b'), section('c')]);
    expect(trace).toEqual(['a in', 'a nested', 'a out', 'b in', 'b nested', 'b out', 'c in', 'c nested', 'c out']);
  });

  it('keeps going after a section fails, and other environments do not wait', async () => {
    const failing = withJujuLock('env-b', async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await withJujuLock('env-b', async () => 'next')).toBe('next');
    let release!: () => void;
    const held = withJujuLock('env-c', () => new Promise<void>((r) => (release = r)));
    expect(await withJujuLock('env-d', async () => 'free')).toBe('free');
    release();
    await held;
  });
});
