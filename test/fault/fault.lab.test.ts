// Fault injection on real SSH hosts (lab/): compute nodes joining an existing controller (the
// router as Juju host) while sshd is killed inside a step, a node's link is cut mid-write, a `juju`
// command fails, or a reboot outlasts its timeout. In every case the run names the host, the step
// and the reason (recap, FAILED section, exit status), a loop inside the node never reads a partial
// /etc/hosts, and bootstrap run again converges: it finishes the work, and the run after that
// changes nothing.
import { opencloud } from '../../lab/proc.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../src/bootstrap/steps/index.ts';
import { commandArgv } from '../../src/remote/quoting.ts';
import { findMachineByAddress } from '../../src/remote/juju/status.ts';
import { DEFAULT_REBOOT_DELAY_SECONDS, REBOOT_DELAY_FILE, skipLabTests, startLab, type Lab, type LabHost } from '../../lab/lab.ts';
import { must } from '../../lab/host-commands.ts';
import { jujuWithEnv } from '../../lab/juju-host.ts';
import { prepareComputeLab, resultOf, totals, unitsWith, type ComputeLab, type LabRun } from '../../lab/compute-lab.ts';
import {
  endRebootWait,
  holdWrite,
  killSshd,
  sessionWith,
  staleComputeConfig,
  staleHostsBlock,
  startHostsReader,
  waitForSshd,
  withApplySession,
  type HostsReader,
} from './fault-lab.ts';

/** The stand-in's agents report `started` after this many seconds (its default is 3). */
const SETTLE = { JUJU_STANDIN_SETTLE_SECONDS: '1' };


describe.skipIf(skipLabTests())('faults during a bootstrap run (lab)', () => {
  let lab: Lab;
  let c: ComputeLab;
  let joined: string; // inventory of compute-1 and compute-2
  let all: string; // and compute-3

  /** Every content the reader saw is a whole file: the one before the run or the one after. */
  async function expectNeverPartial(reader: HostsReader, node: LabHost, before: string, opts: { rewritten: boolean }): Promise<void> {
    const seen = await reader.stop();
    const after = await must(node, 'cat /etc/hosts');
    expect(seen.length, 'the reader read /etc/hosts').toBeGreaterThan(0);
    for (const content of seen) expect([before, after], `a content of /etc/hosts read on ${node.name}`).toContain(content);
    if (opts.rewritten) {
      // The loop really ran across the rewrite: it saw the old file and then the new one.
      expect(before).not.toBe(after);
      expect(seen[0]).toBe(before);
      expect(seen[seen.length - 1]).toBe(after);
    }
  }

  /** The run after a fault finishes the work; the run after that changes nothing. */
  async function expectConverges(file: string, nodes: number): Promise<LabRun> {
    const again = await c.run(file);
    expect(unitsWith(again, 'failed'), again.lines.join('\n')).toEqual([]);
    expect(unitsWith(again, 'skipped'), again.lines.join('\n')).toEqual([]);
    const still = await c.run(file);
    expect(totals(still), still.lines.join('\n')).toEqual({ ok: 6 * nodes, changed: 0, failed: 0, skipped: 0 });
    return again;
  }

  /** The recap names the failed host and step, with the reason. */
  function expectReported(run: LabRun, host: string, step: string, reason: RegExp): void {
    expect(run.failed).toBe(true);
    expect(unitsWith(run, 'failed')).toEqual([`${step}@${host}`]);
    expect(resultOf(run, step, host)?.message).toMatch(reason);
    const out = run.lines.join('\n');
    expect(out).toMatch(new RegExp(`^${host} +: ok=\\d+  changed=\\d+  failed=1  skipped=\\d+$`, 'm'));
    const failedSection = out.slice(out.indexOf('\nFAILED\n'));
    expect(failedSection).toMatch(new RegExp(`^${host} ${step}: .*${reason.source}`, 'm'));
  }

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 3, serviceVms: false, clients: false });
    c = await prepareComputeLab(lab);
    await jujuWithEnv(lab.router, SETTLE);
    joined = c.inventory(lab.computeNodes.slice(0, 2));
    all = c.inventory(lab.computeNodes);
    const first = await c.run(joined);
    expect(unitsWith(first, 'failed'), first.lines.join('\n')).toEqual([]);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('sshd killed (listener and sessions) inside compute-config: the step fails on that node, the re-run converges', async () => {
    const node = lab.host('compute-1');
    await staleHostsBlock(node);
    await staleComputeConfig(node);
    const before = await must(node, 'cat /etc/hosts');
    let killed = false;
    // Right before compute-config applies the sysctls, after it wrote its file: mid-step.
    const steps = withApplySession(STEPS, 'compute-config', node.name, (s) =>
      sessionWith(s, {
        run: async (command, options) => {
          if (!killed && commandArgv(command).includes('sysctl')) {
            killed = true;
            await killSshd(node);
          }
          return s.run(command, options);
        },
      }),
    );
    const reader = await startHostsReader(node);
    const broken = await c.run(joined, { steps });
    expect(killed).toBe(true);
    expectReported(broken, 'compute-1', 'compute-config', /connection lost|cannot connect/);
    expect(resultOf(broken, 'hosts', 'compute-1')?.status).toBe('changed'); // before the fault
    expect(totals(broken)).toMatchObject({ failed: 1, skipped: 0 });
    await expectNeverPartial(reader, node, before, { rewritten: true });

    await node.startSshd();
    const again = await expectConverges(joined, 2);
    expect(unitsWith(again, 'changed')).toEqual(['compute-config@compute-1']);
    expect(await must(node, 'cat /proc/sys/net/ipv4/ip_forward')).toBe('1\n');
  });

  it("a node's link cut while its /etc/hosts is being written: that node fails at hosts, its later steps are skipped, the re-run converges", async () => {
    const node = lab.host('compute-2');
    await staleHostsBlock(node);
    const before = await must(node, 'cat /etc/hosts');
    let cutDuring: { tmp: string; tmpContent: string } | undefined;
    const hold = await holdWrite(node, '/etc/hosts');
    const steps = withApplySession(STEPS, 'hosts', node.name, (s) =>
      sessionWith(s, {
        writeFile: async (path, content, options) => {
          if (cutDuring || path !== '/etc/hosts') return s.writeFile(path, content, options);
          const writing = s.writeFile(path, content, options);
          writing.catch(() => {}); // awaited below
          // The write is under way on the node: the new content is in its temp file, /etc/hosts
          // not yet replaced. The link goes down now.
          const { tmp } = await hold.held();
          cutDuring = { tmp, tmpContent: await must(node, `cat ${tmp}`) };
          expect(cutDuring.tmpContent).toBe(content);
          await node.linkDown();
          return writing;
        },
      }),
    );
    const reader = await startHostsReader(node);
    let broken: LabRun;
    try {
      broken = await c.run(joined, { steps });
    } finally {
      await node.linkUp();
      // sshd would end the dead connection's session in time; end it now, then lift the hold.
      await hold.kill();
      await hold.remove();
    }
    expect(cutDuring, 'the link was cut while the write was held').toBeDefined();
    expectReported(broken, 'compute-2', 'hosts', /connection lost|cannot connect/);
    // The host's other steps: juju-key (after hosts on this host) finds it unreachable, the rest
    // depend on hosts.
    expect(unitsWith(broken, 'skipped').sort()).toEqual(['compute-config', 'juju-key', 'juju-machine', 'nova-compute'].map((s) => `${s}@compute-2`));
    expect(resultOf(broken, 'juju-key', 'compute-2')?.message).toMatch(/^host unreachable: /);
    expect(unitsWith(broken, 'changed')).toEqual([]); // compute-1 had nothing left to do
    // /etc/hosts kept its old content: the write never reached the rename.
    expect(await must(node, 'cat /etc/hosts')).toBe(before);
    expect(before).not.toBe(cutDuring!.tmpContent);
    await expectNeverPartial(reader, node, before, { rewritten: false });

    const reader2 = await startHostsReader(node);
    const again = await expectConverges(joined, 2);
    expect(unitsWith(again, 'changed')).toEqual(['hosts@compute-2']);
    await expectNeverPartial(reader2, node, before, { rewritten: true });
  });

  it('`juju add-machine` failing (JUJU_STANDIN_FAIL) for a new node: `opencloud bootstrap` exits 1 naming the node, step and Juju\'s message; the re-run converges', async () => {
    const node = lab.host('compute-3');
    const before = await must(node, 'cat /etc/hosts');
    await jujuWithEnv(lab.router, { ...SETTLE, JUJU_STANDIN_FAIL: 'add-machine' });
    const reader = await startHostsReader(node);
    let r: Awaited<ReturnType<typeof opencloud>>;
    try {
      r = await opencloud(['bootstrap', all], c.dir);
    } finally {
      await jujuWithEnv(lab.router, SETTLE);
    }
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^compute-3 +: ok=1 {2}changed=2 {2}failed=1 {2}skipped=2$/m);
    expect(r.stdout).toMatch(/^compute-1 +: ok=6 {2}changed=0 {2}failed=0 {2}skipped=0$/m);
    expect(r.stdout).toMatch(/^FAILED\ncompute-3 juju-machine: juju add-machine ssh:root@198\.51\.100\.13 failed \(exit 1\): add-machine failed: injected by JUJU_STANDIN_FAIL$/m);
    expect(findMachineByAddress(await c.status(), node.ip)).toBeUndefined();
    await expectNeverPartial(reader, node, before, { rewritten: true }); // hosts ran before the failure

    const again = await expectConverges(all, 3);
    expect(unitsWith(again, 'changed')).toEqual(['juju-machine@compute-3', 'nova-compute@compute-3', 'compute-config@compute-3']);
    expect(findMachineByAddress(await c.status(), node.ip)).toBeDefined();
  });

  it('a reboot that outlasts its timeout fails compute-config on that node with the reason; the node comes back and the re-run converges', async () => {
    // The engine has no setting for how long a reboot may take (RemoteHost.reboot: 120 s down,
    // 600 s up by default; compute-config passes no options). The public HostSession.reboot
    // options are the way to lower it: the step's own session, with upTimeoutMs 1.5 s. The bound
    // is soft by one connection attempt: an attempt started before the deadline may finish after
    // it (with the 5 s readyTimeout of the other runs, a 5 s reboot was accepted), so the SSH
    // handshake timeout is lowered too, through the engine's connection settings.
    const node = lab.host('compute-1');
    await staleHostsBlock(node);
    // The reboot waits 600 s (ended by the test once the run is over): it outlasts 1.5 s for certain.
    await must(node, `echo 600 > ${REBOOT_DELAY_FILE} && touch /var/run/reboot-required`);
    const before = await must(node, 'cat /etc/hosts');
    const steps = withApplySession(STEPS, 'compute-config', node.name, (s) =>
      sessionWith(s, { reboot: (options) => s.reboot({ ...options, upTimeoutMs: 1_500 }) }),
    );
    const reader = await startHostsReader(node);
    let broken: LabRun;
    try {
      broken = await c.run(all, { steps, connection: { readyTimeoutMs: 1_000, keepaliveIntervalMs: 1_000, keepaliveCountMax: 2, attempts: 2, backoffMs: 200 } });
    } finally {
      await must(node, `echo ${DEFAULT_REBOOT_DELAY_SECONDS} > ${REBOOT_DELAY_FILE}`);
      // Mid-reboot (its /run emptied, no sshd): end the wait so the node comes back for the next runs.
      if ((await node.exec('[ -s /run/sshd.pid ]')).code !== 0) await endRebootWait(node, 600);
      await waitForSshd(node, 30_000);
    }
    expectReported(broken, 'compute-1', 'compute-config', /compute-1 did not come back within 1\.5 s after the reboot/);
    expect(unitsWith(broken, 'changed').sort()).toEqual(['hosts@compute-1']);
    await expectNeverPartial(reader, node, before, { rewritten: true }); // the reboot ended the loop after the write

    await expectConverges(all, 3);
    expect(await must(node, 'test -e /var/run/reboot-required || echo gone')).toBe('gone\n');
  });
});
