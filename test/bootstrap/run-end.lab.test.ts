// A bootstrap run ends when its last unit ends (issue 16), watched from outside the `opencloud`
// process as a CI job would: a run whose nova-compute fails on every node while the relations
// (made once per run on behalf of all of them) are still being added, a run stopped by SIGTERM
// while a node waits for its unit, and a status run stopped while a handshake hangs. Each must
// print its recap last (status: one line), exit with the right status, and leave no process, TCP
// connection or sshd session behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPUTE_RELATIONS } from '../../src/inventory/reference.ts';
import { hasRelation } from '../../src/remote/juju/status.ts';
import { processGroupMembers, sshConnectionsTo, startOpencloud, type CliExit } from '../../lab/cli-process.ts';
import { sshdSessions } from '../../lab/host-commands.ts';
import { jujuWithEnv } from '../../lab/juju-host.ts';
import { DEFAULT_REBOOT_DELAY_SECONDS, REBOOT_DELAY_FILE, skipLabTests, startLab, type Lab, type LabHost } from '../../lab/lab.ts';
import { must } from '../../lab/host-commands.ts';
import { waitForSshd } from '../fault/fault-lab.ts';
import { prepareComputeLab, totals, unitsWith, type ComputeLab } from '../../lab/compute-lab.ts';

/** The stand-in's agents report `started` after this many seconds (its default is 3). */
const SETTLE = { JUJU_STANDIN_SETTLE_SECONDS: '1' };
/** Far more than any run here takes: only a hang reaches it. */
const EXIT_GUARD_MS = 60_000;

describe.skipIf(skipLabTests())('a failed or stopped run ends (lab, the CLI as a child process)', () => {
  let lab: Lab;
  let c: ComputeLab;

  /** Nothing of the run is left: no process of its group, no SSH connection, no sshd session on the hosts. */
  async function expectNothingLeft(pid: number, hosts: readonly LabHost[]): Promise<void> {
    expect(processGroupMembers(pid), 'processes the CLI left running').toEqual([]);
    expect(await sshConnectionsTo(lab.hosts.flatMap((h) => h.ips)), 'SSH connections still open').toEqual([]);
    // sshd notices a closed connection on its own time: wait for that, bounded.
    for (const host of hosts) {
      let sessions = await sshdSessions(host);
      for (let i = 0; i < 100 && sessions.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        sessions = await sshdSessions(host);
      }
      expect(sessions, `sshd sessions left on ${host.name}`).toEqual([]);
    }
  }

  /** The recap is the last thing printed: after the RECAP line, only recap lines and the log path. */
  function expectRecapLast(r: CliExit): string[] {
    const lines = r.stdout.trimEnd().split('\n');
    const recap = lines.indexOf('RECAP');
    expect(recap, r.stdout).toBeGreaterThan(0);
    const after = lines.slice(recap);
    expect(after.filter((l) => /^\[[\w-]+\] /.test(l)), 'progress printed after the recap').toEqual([]);
    expect(after[after.length - 1]).toMatch(/^log: \S+\.jsonl$/);
    return after;
  }

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 3, serviceVms: false, clients: false });
    c = await prepareComputeLab(lab);
    await jujuWithEnv(lab.router, SETTLE);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('nova-compute failing on both nodes while the relations are still being added: the recap comes last, exit 1, nothing left behind', async () => {
    const nodes = lab.computeNodes.slice(0, 2);
    // `juju set` refused: the settings, made once for both nodes, fail after two juju commands,
    // while the eight relations (also made once, at the same time) take many more: some are still
    // running, some still queued for a channel of the Juju host's connection.
    await jujuWithEnv(lab.router, { ...SETTLE, JUJU_STANDIN_FAIL: 'set' });
    let r: CliExit;
    try {
      const cli = startOpencloud(['bootstrap', c.inventory(nodes)], c.dir);
      r = await cli.exited(EXIT_GUARD_MS);
      await expectNothingLeft(cli.pid, [lab.router, ...nodes]);
    } finally {
      await jujuWithEnv(lab.router, SETTLE);
    }
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const recap = expectRecapLast(r);
    for (const node of nodes) {
      expect(recap).toContain(`${node.name} nova-compute: juju set nova-compute virt-type=kvm failed (exit 1): set failed: injected by JUJU_STANDIN_FAIL`);
      expect(recap.join('\n')).toMatch(new RegExp(`^${node.name} +: ok=\\d+  changed=\\d+  failed=1  skipped=1$`, 'm'));
    }
    // The relations were not abandoned midway: every one was added before the run ended.
    const status = await c.status();
    for (const relation of COMPUTE_RELATIONS) expect(hasRelation(status, relation), relation.join(' ')).toBe(true);
  });

  it('SIGTERM while a node waits for its unit: the run stops, says what it interrupted where, exits 143, nothing left behind; a re-run converges', async () => {
    const node = lab.host('compute-3');
    // The unit stays pending for ten minutes: the run is certainly waiting when the signal comes.
    await jujuWithEnv(lab.router, { JUJU_STANDIN_SETTLE_SECONDS: '600' });
    let r: CliExit;
    try {
      const cli = startOpencloud(['bootstrap', c.inventory([node])], c.dir);
      await cli.line(/^\[compute-3\] nova-compute: waiting for nova-compute\/\d+ \(pending\)/);
      cli.signal('SIGTERM');
      r = await cli.exited(EXIT_GUARD_MS);
      await expectNothingLeft(cli.pid, [lab.router, node]);
    } finally {
      await jujuWithEnv(lab.router, SETTLE);
    }
    expect(r.code, r.stdout + r.stderr).toBe(143);
    const recap = expectRecapLast(r).join('\n');
    expect(recap).toMatch(/^compute-3 +: ok=\d+  changed=\d+  failed=1  skipped=1$/m);
    expect(recap).toMatch(/^compute-3 nova-compute: interrupted by SIGTERM/m);
    expect(recap).toMatch(/^interrupted by SIGTERM: stopped nova-compute on compute-3; 1 step not started$/m);

    const again = await c.run(c.inventory(lab.computeNodes));
    expect(unitsWith(again, 'failed'), again.lines.join('\n')).toEqual([]);
    expect(totals(await c.run(c.inventory(lab.computeNodes)))).toEqual({ ok: 18, changed: 0, failed: 0, skipped: 0 });
  });

  it('SIGTERM while `opencloud status` waits for the handshake of a node whose sshd hangs: exit 143 at once with one line, nothing left behind', async () => {
    const hung = lab.host('compute-2');
    // A stopped sshd: the kernel completes the TCP handshake, SSH's banner never comes.
    await hung.exec('kill -STOP "$(cat /run/sshd.pid)"');
    let r: CliExit;
    let pid: number;
    try {
      // The handshake limit is far beyond the exit guard: only a cut handshake lets it exit in time.
      const cli = startOpencloud(['status', c.inventory(lab.computeNodes), '--connect-timeout', '120', '--verbose'], c.dir);
      pid = cli.pid;
      await cli.line(/^compute-1: true \(exit 0, \d+ ms\)$/, 'stderr');
      cli.signal('SIGTERM');
      r = await cli.exited(EXIT_GUARD_MS);
    } finally {
      await hung.exec('kill -CONT "$(cat /run/sshd.pid)"');
    }
    await expectNothingLeft(pid, lab.hosts);
    expect(r.code, r.stdout + r.stderr).toBe(143);
    expect(r.stdout).toBe(''); // no tables: checks cut short are not "down"
    expect(r.stderr).toMatch(/^opencloud: status of computelab interrupted by SIGTERM after \d+\.\d s; no result$/m);
  });

  it('SIGTERM while a node reboots: the wait for it is cut off with its connection, exit 143 before the node is back', async () => {
    const node = lab.host('compute-1');
    // A reboot that keeps the node down for 30 s; the run would wait up to 600 s for it.
    await must(node, `echo 30 > ${REBOOT_DELAY_FILE} && touch /var/run/reboot-required`);
    let r: CliExit;
    try {
      const cli = startOpencloud(['bootstrap', c.inventory([node])], c.dir);
      await cli.line(/^\[compute-1\] compute-config: down; waiting for it to come back$/);
      cli.signal('SIGTERM');
      r = await cli.exited(EXIT_GUARD_MS);
      // The run did not sit out the reboot: the node is still down when the process has ended.
      expect((await node.exec('[ -s /run/sshd.pid ] && kill -0 "$(cat /run/sshd.pid)"')).code, 'sshd back before the run ended').not.toBe(0);
      expect(processGroupMembers(cli.pid)).toEqual([]);
      expect(await sshConnectionsTo(lab.hosts.flatMap((h) => h.ips))).toEqual([]);
    } finally {
      await waitForSshd(node, 60_000);
      await must(node, `echo ${DEFAULT_REBOOT_DELAY_SECONDS} > ${REBOOT_DELAY_FILE}`);
    }
    expect(r.code, r.stdout + r.stderr).toBe(143);
    const recap = expectRecapLast(r).join('\n');
    expect(recap).toMatch(/^compute-1 compute-config: interrupted by SIGTERM while it waited on compute-1, whose connection was then closed/m);
    expect(recap).toMatch(/^interrupted by SIGTERM: stopped compute-config on compute-1; 0 steps not started$/m);
  });
});
