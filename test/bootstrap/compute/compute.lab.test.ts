// Joining compute nodes to an existing controller (issue 5), on real SSH hosts: the lab's router is
// the Juju host (Juju stand-in), compute-1..5 are the nodes. The tests run in order on one lab:
// a fresh join, a run that changes nothing, a node added, a reboot, two interrupted runs that
// converge, and preflight refusing nodes below the guide's minimums (through the CLI).
import { opencloud } from '../../../lab/proc.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRelation, unitOnMachine, findMachineByAddress } from '../../../src/remote/juju/status.ts';
import { STEPS } from '../../../src/bootstrap/steps/index.ts';
import { GRE_SYSCTL_FILE } from '../../../src/bootstrap/steps/compute-config.ts';
import { sysctlFileContent } from '../../../src/remote/facts/sysctl.ts';

const SYSCTL_FILE = GRE_SYSCTL_FILE.path;
const GRE_SYSCTLS = GRE_SYSCTL_FILE.settings;
import type { AnyStep, Step } from '../../../src/bootstrap/step.ts';
import { COMPUTE_RELATIONS } from '../../../src/inventory/reference.ts';
import { parseServiceSettings } from '../../../src/remote/juju/service-settings.ts';
import { skipLabTests, startLab, type Lab, type LabHost } from '../../../lab/lab.ts';
import { jujuClientKey, jujuWithEnv, jujuWithoutEnv } from '../../../lab/juju-host.ts';
import { CLUSTER, prepareComputeLab, resultOf, totals, unitsWith, type ComputeLab } from '../../../lab/compute-lab.ts';

const COMPUTE_STEPS = ['preflight', 'hosts', 'juju-key', 'juju-machine', 'nova-compute', 'compute-config'];


describe.skipIf(skipLabTests())('compute nodes join an existing controller (lab)', () => {
  let lab: Lab;
  let c: ComputeLab;
  let first3: LabHost[];
  const sh = async (host: string, cmd: string) => (await lab.host(host).exec(cmd)).stdout;

  /** Every sign of a joined node, as the reference describes it. */
  async function expectJoined(host: LabHost): Promise<void> {
    const status = await c.status();
    const machine = findMachineByAddress(status, host.ip);
    expect(machine, `juju machine for ${host.name}`).toBeDefined();
    expect(machine!.instanceId).toBe(`manual:${host.ip}`);
    const unit = unitOnMachine(status, 'nova-compute', machine!.id);
    expect(unit?.agentState, `nova-compute unit on ${host.name}`).toBe('started');
    expect(await sh(host.name, 'cat /etc/hosts')).toContain(
      `# BEGIN opencloud ${CLUSTER}\n198.51.100.2 ip-172-31-40-12.ec2.internal juju.amazon keystone.amazon rabbitmq.amazon\n# END opencloud ${CLUSTER}\n`,
    );
    // Juju's own key beside the operator's, nothing else.
    const authorized = await sh(host.name, 'cat /root/.ssh/authorized_keys');
    expect(authorized).toContain(`${await jujuClientKey(lab.router)} juju@${CLUSTER}\n`);
    expect(authorized.trim().split('\n')).toHaveLength(2);
    expect(await sh(host.name, 'test -d /var/lib/nova && echo dir')).toBe('dir\n');
    expect(await sh(host.name, `cat ${SYSCTL_FILE}`)).toBe(sysctlFileContent(GRE_SYSCTL_FILE));
    for (const [key, value] of Object.entries(GRE_SYSCTLS)) {
      expect(await sh(host.name, `cat /proc/sys/${key.replace(/\./g, '/')}`), key).toBe(`${value}\n`);
    }
  }

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 5, serviceVms: false, clients: false });
    c = await prepareComputeLab(lab);
    first3 = lab.computeNodes.slice(0, 3);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('a fresh run joins every compute node: machines, units, relations, settings, files', async () => {
    const run = await c.run(c.inventory(first3));
    expect(unitsWith(run, 'failed'), run.lines.join('\n')).toEqual([]);
    expect(totals(run)).toEqual({ ok: 3, changed: 15, failed: 0, skipped: 0 }); // preflight only reads
    for (const h of first3) await expectJoined(h);

    const status = await c.status();
    expect(status.machines.map((m) => m.id)).toEqual(['0', '1', '2', '3']);
    expect(status.services['nova-compute']!.units).toHaveLength(3);
    for (const relation of COMPUTE_RELATIONS) expect(hasRelation(status, relation), relation.join(' ')).toBe(true);
    // The first node deployed with the charm config; virt-type was set afterwards.
    // Read as Juju 1.25 prints it: YAML only.
    const settings = parseServiceSettings(await c.juju('get nova-compute'), 'nova-compute');
    expect(settings['openstack-origin']).toBe('cloud:trusty-icehouse');
    expect(settings['config-flags']).toBe('firewall_driver=nova.virt.firewall.NoopFirewallDriver');
    expect(settings['virt-type']).toBe('kvm');
    // Subordinates followed the relations onto every node.
    for (const unit of status.services['nova-compute']!.units) {
      expect(unit.subordinates.map((s) => s.service).sort()).toEqual(['ceilometer-agent', 'nrpe', 'ntp']);
    }
    // The preflight table is printed per node.
    expect(run.lines.join('\n')).toMatch(/compute-1\] preflight: compute-1: meets the requirements\n +needed +declared +measured/);
  });

  it('a second run reports zero changes', async () => {
    const run = await c.run(c.inventory(first3));
    expect(totals(run)).toEqual({ ok: 18, changed: 0, failed: 0, skipped: 0 });
    expect(resultOf(run, 'nova-compute', 'compute-2')?.description).toMatch(/^nova-compute\/\d started on machine \d$/);
  });

  it('adding a node to the inventory joins only it', async () => {
    const four = lab.computeNodes.slice(0, 4);
    const run = await c.run(c.inventory(four));
    expect(unitsWith(run, 'failed'), run.lines.join('\n')).toEqual([]);
    expect(unitsWith(run, 'changed')).toEqual(COMPUTE_STEPS.slice(1).map((s) => `${s}@compute-4`));
    await expectJoined(lab.host('compute-4'));
    expect((await c.status()).services['nova-compute']!.units).toHaveLength(4);
  });

  it('reboots a node only when /var/run/reboot-required exists, and the run goes on', async () => {
    const four = c.inventory(lab.computeNodes.slice(0, 4));
    await lab.host('compute-2').exec('touch /var/run/reboot-required');
    const bootBefore = await sh('compute-2', 'cat /proc/1/stat | cut -d" " -f22; pgrep -o sshd');
    const run = await c.run(four);
    expect(unitsWith(run, 'failed'), run.lines.join('\n')).toEqual([]);
    expect(unitsWith(run, 'changed')).toEqual(['compute-config@compute-2']);
    expect(resultOf(run, 'compute-config', 'compute-2')?.description).toBe('reboot (/var/run/reboot-required)');
    expect(run.lines.join('\n')).toMatch(/\[compute-2\] compute-config: .*rebooting/);
    expect(await sh('compute-2', 'test -e /var/run/reboot-required || echo gone')).toBe('gone\n');
    expect(await sh('compute-2', 'cat /proc/1/stat | cut -d" " -f22; pgrep -o sshd')).not.toBe(bootBefore); // sshd restarted
    const again = await c.run(four);
    expect(unitsWith(again, 'changed'), again.lines.join('\n')).toEqual([]);
    expect(totals(again)).toEqual({ ok: 24, changed: 0, failed: 0, skipped: 0 });
  });

  it('a run where add-relation fails (JUJU_STANDIN_FAIL) converges when re-run', async () => {
    const four = c.inventory(lab.computeNodes.slice(0, 4));
    await c.juju('remove-relation nova-compute ntp');
    await c.juju('remove-relation nova-compute:amqp rabbitmq-server:amqp');
    // The Juju host's `juju` fails every add-relation for this run only.
    await jujuWithEnv(lab.router, { JUJU_STANDIN_FAIL: 'add-relation' });
    const broken = await c.run(four);
    await jujuWithoutEnv(lab.router);
    expect(unitsWith(broken, 'failed').sort()).toEqual(['compute-1', 'compute-2', 'compute-3', 'compute-4'].map((h) => `nova-compute@${h}`));
    expect(resultOf(broken, 'nova-compute', 'compute-1')?.message).toMatch(/add-relation .* injected by JUJU_STANDIN_FAIL/);
    expect(unitsWith(broken, 'skipped').sort()).toEqual(['compute-1', 'compute-2', 'compute-3', 'compute-4'].map((h) => `compute-config@${h}`));

    const fixed = await c.run(four);
    expect(unitsWith(fixed, 'failed'), fixed.lines.join('\n')).toEqual([]);
    // Every node's check saw the relations missing (checks run at once), but each relation was
    // added once, by whichever node held the Juju lock first; the others found it there.
    const added = fixed.lines.filter((l) => / nova-compute: related /.test(l));
    expect(added.map((l) => l.replace(/^\[compute-\d\] /, '')).sort()).toEqual([
      'nova-compute: related nova-compute and ntp',
      'nova-compute: related nova-compute:amqp and rabbitmq-server:amqp',
    ]);
    const status = await c.status();
    for (const relation of COMPUTE_RELATIONS) expect(hasRelation(status, relation), relation.join(' ')).toBe(true);
    expect(totals(await c.run(four))).toEqual({ ok: 24, changed: 0, failed: 0, skipped: 0 });
  });

  it('a dry run for a new node says what it would do and changes nothing', async () => {
    const node5 = lab.host('compute-5');
    const hostsBefore = await sh('compute-5', 'cat /etc/hosts');
    const run = await c.run(c.inventory(lab.computeNodes), { dryRun: true });
    expect(unitsWith(run, 'failed'), run.lines.join('\n')).toEqual([]);
    expect(unitsWith(run, 'changed')).toEqual(COMPUTE_STEPS.slice(1).map((s) => `${s}@compute-5`));
    const out = run.lines.join('\n');
    expect(out).toMatch(/would run: juju add-machine ssh:root@198\.51\.100\.15/);
    expect(out).toMatch(/\[compute-5\] nova-compute: would change \(add a unit of nova-compute on the machine juju-machine would add\)/);
    expect(await sh('compute-5', 'cat /etc/hosts')).toBe(hostsBefore);
    expect(await sh('compute-5', 'cat /root/.ssh/authorized_keys')).not.toContain(await jujuClientKey(lab.router));
    expect(await sh('compute-5', `test -e ${SYSCTL_FILE} || echo none`)).toBe('none\n');
    expect(findMachineByAddress(await c.status(), node5.ip)).toBeUndefined();
  });

  it('a node whose sshd stops mid-run (after juju-key) fails at add-machine, then joins on a re-run', async () => {
    const five = c.inventory(lab.computeNodes);
    const node5 = lab.host('compute-5');
    // Stops compute-5's sshd between juju-key and juju-machine. The engine's open connection
    // survives (as with `service ssh stop`); the Juju host's new log-in does not.
    let stopped = false;
    const saboteur: Step<undefined> = {
      id: 'stop-sshd',
      title: 'stop sshd of compute-5 (test)',
      hosts: (h) => h.name === 'compute-5',
      dependsOn: ['juju-key'],
      async check() {
        return stopped ? { needed: false } : { needed: true, description: 'stop sshd', plan: undefined };
      },
      async apply() {
        await node5.stopSshd();
        stopped = true;
      },
    };
    const steps: AnyStep[] = [...STEPS];
    steps.splice(steps.findIndex((s) => s.id === 'juju-machine'), 0, saboteur as AnyStep);
    const broken = await c.run(five, { steps });
    expect(unitsWith(broken, 'failed')).toEqual(['juju-machine@compute-5']);
    expect(resultOf(broken, 'juju-machine', 'compute-5')?.message).toMatch(/Juju host cannot log in to root@198\.51\.100\.15/);
    expect(unitsWith(broken, 'skipped').sort()).toEqual(['compute-config@compute-5', 'nova-compute@compute-5']);
    expect(findMachineByAddress(await c.status(), node5.ip)).toBeUndefined(); // nothing half-added

    await node5.startSshd();
    const fixed = await c.run(five);
    expect(unitsWith(fixed, 'failed'), fixed.lines.join('\n')).toEqual([]);
    expect(unitsWith(fixed, 'changed')).toEqual(['juju-machine@compute-5', 'nova-compute@compute-5', 'compute-config@compute-5']);
    await expectJoined(node5);
    expect(totals(await c.run(five))).toEqual({ ok: 30, changed: 0, failed: 0, skipped: 0 });
  });

  it('opencloud preflight refuses nodes below the guide\'s minimums, with every reason, and changes nothing', async () => {
    const file = c.inventory(lab.computeNodes.slice(0, 2), { guideMinimums: true });
    const r = await opencloud(['preflight', file], c.dir);
    expect(r.code, r.stderr).toBe(1);
    const out = r.stdout;
    for (const node of ['compute-1', 'compute-2']) {
      const reasons = resultLine(out, node);
      expect(reasons).toMatch(/CPU cores, below the minimum of 12/);
      expect(reasons).toMatch(/CPU cores, fewer than the 12 declared/);
      expect(reasons).toMatch(/GiB of memory, below the minimum of 48 GiB/);
      expect(reasons).toMatch(/TiB of disk, below the minimum of 3 TiB/);
      expect(reasons).toMatch(/1 NIC\(s\), below the minimum of 2/);
      expect(reasons).toMatch(/NIC2 eth1 does not exist/);
      expect(out).toMatch(new RegExp(`${node}: \\d+ problem\\(s\\)\\n +needed +declared +measured\\nCPU cores +>= 12 +12 +\\d+ +FAIL`));
    }
    expect(out).toMatch(/compute-1 +: ok=0 {2}changed=0 {2}failed=1/);
    expect(out).not.toMatch(/\] (hosts|juju-key|juju-machine|nova-compute|compute-config):/); // preflight alone
    // The same nodes pass with the lab's minimums, through the same command.
    const ok = await opencloud(['preflight', c.inventory(lab.computeNodes.slice(0, 2))], c.dir);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/compute-2: meets the requirements/);
  });
});

/** The unit-end line of the preflight step on a node: `[node] preflight: FAILED (reasons)`. */
function resultLine(out: string, node: string): string {
  return out.split('\n').find((l) => l.startsWith(`[${node}] preflight: FAILED`)) ?? '';
}
