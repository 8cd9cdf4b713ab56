// The bootstrap engine against real SSH hosts (the network-namespace lab): the `hosts` step, idempotence,
// dry run, parallelism, dependency order, failure isolation, host keys, the jump host, reboots and a
// lost connection followed by a converging re-run.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostsStep } from '../../src/bootstrap/steps/hosts.ts';
import type { AnyStep, Step } from '../../src/bootstrap/step.ts';
import { startLab, skipLabTests, type Lab } from '../../lab/lab.ts';
import { CLUSTER, DEFAULT_BLOCK, labCluster, messageOf, statusOf, totals, type LabCluster } from './helpers.ts';

const BEGIN = `# BEGIN opencloud ${CLUSTER}`;
const END = `# END opencloud ${CLUSTER}`;

/**
 * A marker file step: changed once, ok afterwards. Appends `<id> <time>` to /root/order. With `hold`,
 * its remote command first creates /root/writing-<id>, then waits until /root/release exists.
 */
function markerStep(id: string, extra: Partial<AnyStep> = {}, opts: { failOn?: string; sleep?: number; hold?: boolean } = {}): AnyStep {
  const step: Step<undefined> = {
    id,
    title: `marker ${id}`,
    hosts: 'compute',
    async check(ctx) {
      const st = await ctx.host.stat(`/root/marker-${id}`);
      return st ? { needed: false } : { needed: true, description: `create /root/marker-${id}`, plan: undefined };
    },
    async apply(ctx) {
      if (opts.failOn === ctx.host.host.name) await ctx.host.run(['sh', '-c', 'echo "failing on purpose" >&2; exit 7']);
      await ctx.host.run({
        script: `${opts.hold ? 'touch "/root/writing-$1"; while [ ! -e /root/release ]; do sleep 0.05; done; ' : ''}sleep "$2"; echo "$1 $(date +%s.%N)" >> /root/order; touch "/root/marker-$1"`,
        args: [id, String(opts.sleep ?? 0)],
      });
    },
    ...extra,
  };
  return step as AnyStep;
}

/** Far more than any step here takes: only a run that never works on the nodes at once reaches it. */
const HANG_GUARD_MS = 60_000;

/**
 * A marker step that records `start <host>` when its apply begins and `end <host>` once its remote
 * command is done, in the test process; between the two it awaits `wait()` (bounded by the guard).
 */
function trackedStep(id: string, events: string[], wait: () => Promise<void>): AnyStep {
  const marker = markerStep(id);
  return {
    ...marker,
    async apply(ctx, plan) {
      const host = ctx.host.host.name;
      events.push(`start ${host}`);
      let guard: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_, reject) => {
        guard = setTimeout(() => reject(new Error(`${host}: the other nodes' steps never started meanwhile: ${events.join(', ')}`)), HANG_GUARD_MS);
      });
      try {
        await Promise.race([wait(), hung]);
      } finally {
        clearTimeout(guard);
      }
      await marker.apply(ctx, plan);
      events.push(`end ${host}`);
    },
  };
}

describe.skipIf(skipLabTests())('bootstrap engine on the lab', () => {
  let lab: Lab;
  let c: LabCluster;
  const exec = async (host: string, cmd: string) => (await lab.host(host).exec(cmd)).stdout;
  const resetMarkers = () => Promise.all(lab.computeNodes.map((h) => h.exec('rm -f /root/marker-* /root/order /root/writing-* /root/release')));

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 3, serviceVms: true, clients: false });
    c = labCluster(lab);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('hosts: writes the block atomically, keeps every other line, then reports no change', async () => {
    const before = await exec('compute-1', 'cat /etc/hosts');
    await lab.host('compute-1').exec('chmod 0640 /etc/hosts');
    const inode = await exec('compute-1', 'stat -c %i /etc/hosts');

    const first = await c.run([hostsStep]);
    expect(first.error).toBeUndefined();
    expect(first.failed).toBe(false);
    expect(lab.computeNodes.map((h) => statusOf(first, 'hosts', h.name))).toEqual(['changed', 'changed', 'changed']);

    const after = await exec('compute-1', 'cat /etc/hosts');
    expect(after).toBe(`${before}${BEGIN}\n198.51.100.2 juju.amazon juju\n198.51.100.2 keystone.amazon keystone\n${END}\n`);
    expect(await exec('compute-1', 'stat -c %i /etc/hosts')).not.toBe(inode); // replaced by rename
    expect(await exec('compute-1', 'stat -c "%a %U %G" /etc/hosts')).toBe('640 root root\n'); // mode kept
    expect(await exec('compute-1', 'ls -a /etc | grep -c opencloud-tmp || true')).toBe('0\n'); // no temp left

    // One connection per host, reused by every command; the recap is printed.
    const connects = first.log.filter((e) => e.event === 'connect' && e.ok === true).map((e) => e.host);
    expect(connects.sort()).toEqual(['compute-1', 'compute-2', 'compute-3']);
    expect(first.lines.join('\n')).toMatch(/RECAP[\s\S]*compute-1 +: ok=0 {2}changed=1 {2}failed=0 {2}skipped=0/);
    // Every command is in the log with its exit code and duration.
    const execs = first.log.filter((e) => e.event === 'exec');
    expect(execs.length).toBeGreaterThanOrEqual(9);
    expect(execs.every((e) => typeof e.code === 'number' && typeof e.ms === 'number')).toBe(true);

    const second = await c.run([hostsStep]);
    expect(totals(second)).toEqual({ ok: 3, changed: 0, failed: 0, skipped: 0 });
    expect(await exec('compute-1', 'stat -c %i /etc/hosts')).not.toBe(inode);
    expect(await exec('compute-1', 'cat /etc/hosts')).toBe(after);
  });

  it('hosts: a changed inventory replaces only the block; readers never see a partial file', async () => {
    // Lines around the block that are not ours, added after the first run.
    await lab.host('compute-2').exec(`printf '10.9.9.9 operator-added\\n' >> /etc/hosts`);
    await lab.host('compute-2').exec(`sed -i '1i 10.8.8.8 top-line' /etc/hosts`);
    const expectedOutside = (await exec('compute-2', 'cat /etc/hosts')).split('\n').filter((l) => !/amazon|opencloud/.test(l));

    // A reader hammering the file during the rewrite only ever sees a whole file.
    const reader = lab
      .host('compute-2')
      .exec(
        `end=$(( $(date +%s) + 3 )); bad=0; while [ $(date +%s) -lt $end ]; do ` +
          `grep -q '^${END}$' /etc/hosts || bad=$((bad+1)); grep -q operator-added /etc/hosts || bad=$((bad+1)); done; echo $bad`,
      );
    const block = [
      { ip: '198.51.100.3', names: ['keystone.amazon', 'keystone'] },
      { ip: '198.51.100.4', names: ['glance.amazon'] },
      { ip: '198.51.100.5', names: ['mysql.amazon'] },
    ];
    for (let i = 0; i < 5; i++) {
      const r = await c.run([hostsStep], { outputs: c.outputs(i % 2 ? DEFAULT_BLOCK : block) });
      expect(r.failed).toBe(false);
    }
    expect((await reader).stdout).toBe('0\n');

    const hosts = await exec('compute-2', 'cat /etc/hosts');
    const lines = hosts.split('\n');
    expect(lines.filter((l) => !/amazon|opencloud/.test(l))).toEqual(expectedOutside);
    const b = lines.indexOf(BEGIN);
    expect(lines.slice(b, b + 5)).toEqual([BEGIN, '198.51.100.3 keystone.amazon keystone', '198.51.100.4 glance.amazon', '198.51.100.5 mysql.amazon', END]);
    expect(lines.filter((l) => l === BEGIN)).toHaveLength(1);
    expect(hosts).toContain('10.9.9.9 operator-added\n');
  });

  it('dry run: runs the checks, prints the commands that would run, changes nothing', async () => {
    const before = await Promise.all(lab.computeNodes.map((h) => h.exec('cat /etc/hosts; stat -c %i /etc/hosts')));
    const r = await c.run([hostsStep, markerStep('dry-marker')], {
      dryRun: true,
      outputs: c.outputs([{ ip: '198.51.100.9', names: ['nagios.amazon'] }]),
    });
    expect(r.failed).toBe(false);
    expect(totals(r).changed).toBe(6); // would change
    const after = await Promise.all(lab.computeNodes.map((h) => h.exec('cat /etc/hosts; stat -c %i /etc/hosts')));
    expect(after.map((a) => a.stdout)).toEqual(before.map((b) => b.stdout));
    expect(await exec('compute-1', 'ls /root/marker-dry-marker 2>&1 || true')).toMatch(/No such file/);
    const out = r.lines.join('\n');
    expect(out).toContain('[compute-1] hosts: would run: sh -c');
    expect(out).toMatch(/mv -f -- .*tmp.* .*target/);
    expect(out).toMatch(/\[compute-3\] dry-marker: would run: sh -c .* dry-marker 0/);
    expect(out).toContain('dry run: "changed" means would change');
    // The checks really ran (read-only commands were executed).
    expect(r.log.some((e) => e.event === 'exec' && e.phase === 'check' && e.wouldRun === false)).toBe(true);
    expect(r.log.filter((e) => e.event === 'exec' && e.wouldRun === true).length).toBe(6);
  });

  it('runs hosts in parallel (bounded), and keeps at most a few channels per connection', async () => {
    await resetMarkers();
    const manyChannels: AnyStep = {
      id: 'many-channels',
      title: '30 commands at once on one connection',
      hosts: 'compute',
      async check(ctx) {
        const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => ctx.host.run(['echo', `n${i}`])));
        return outs.every((o, i) => o === `n${i}\n`) ? { needed: false } : { needed: true, description: 'mismatch', plan: undefined };
      },
      async apply() {},
    };
    // Each node's step starts, then waits until the three have started before its remote command:
    // only a run that works on the nodes at once gets past the wait. Order, not speed, is asserted.
    const events: string[] = [];
    let started = 0;
    let allStarted!: () => void;
    const gate = new Promise<void>((r) => (allStarted = r));
    const parallel = await c.run([trackedStep('together', events, () => (++started === 3 && allStarted(), gate)), manyChannels]);
    expect(parallel.failed, messageOf(parallel, 'together', 'compute-1')).toBe(false);
    expect(totals(parallel)).toEqual({ ok: 3, changed: 3, failed: 0, skipped: 0 });
    expect(events.slice(0, 3).every((e) => e.startsWith('start '))).toBe(true); // three at once
    expect(events.filter((e) => e.startsWith('end '))).toHaveLength(3);

    // With --concurrency 1, one node after the other: each step ends before the next one starts.
    await resetMarkers();
    const serialEvents: string[] = [];
    const serial = await c.run([trackedStep('one-by-one', serialEvents, async () => {})], { concurrency: 1 });
    expect(serial.failed).toBe(false);
    expect(serialEvents.map((e) => e.split(' ')[0])).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
    expect(serialEvents.filter((e) => e.startsWith('start ')).map((e) => e.slice(6)).sort()).toEqual(['compute-1', 'compute-2', 'compute-3']);
  });

  it('orders steps by dependency; one host failing stops only what depends on it', async () => {
    await resetMarkers();
    const routerAfterAll: AnyStep = {
      ...markerStep('on-router', { hosts: 'router', dependsOn: ['first'] }),
    };
    // Registered out of order: the runner puts `first` before `second`.
    const steps = [
      markerStep('second', { dependsOn: ['first'] }),
      markerStep('first', {}, { failOn: 'compute-2', sleep: 0.3 }),
      markerStep('independent'),
      routerAfterAll,
    ];
    const r = await c.run(steps);
    expect(r.failed).toBe(true);
    expect(statusOf(r, 'first', 'compute-2')).toBe('failed');
    expect(messageOf(r, 'first', 'compute-2')).toContain('failing on purpose');
    expect(statusOf(r, 'second', 'compute-2')).toBe('skipped');
    expect(messageOf(r, 'second', 'compute-2')).toBe('first failed');
    expect(statusOf(r, 'independent', 'compute-2')).toBe('changed');
    for (const h of ['compute-1', 'compute-3']) {
      expect(statusOf(r, 'first', h)).toBe('changed');
      expect(statusOf(r, 'second', h)).toBe('changed');
      expect((await exec(h, 'cut -d" " -f1 /root/order')).split('\n').filter(Boolean)).toEqual(['first', 'second', 'independent']);
    }
    // A cross-host dependency: the router's step needs `first` everywhere.
    expect(statusOf(r, 'on-router', 'router')).toBe('skipped');
    expect(messageOf(r, 'on-router', 'router')).toBe('first on compute-2 failed');
    expect(r.recap.get('compute-2')).toEqual({ ok: 0, changed: 1, failed: 1, skipped: 1 });
    expect(r.lines.join('\n')).toMatch(/FAILED\ncompute-2 first: .*failing on purpose/);

    // Fixed, the next run converges: only what was left is done.
    const again = await c.run(steps.map((s) => (s.id === 'first' ? markerStep('first') : s)));
    expect(again.failed).toBe(false);
    expect(statusOf(again, 'first', 'compute-2')).toBe('changed');
    expect(statusOf(again, 'second', 'compute-2')).toBe('changed');
    expect(statusOf(again, 'on-router', 'router')).toBe('changed');
    expect(statusOf(again, 'first', 'compute-1')).toBe('ok');
  });

  it('reaches service VMs through the router as a jump host', async () => {
    const seen: Record<string, string> = {};
    const probe: AnyStep = {
      id: 'probe',
      title: 'addresses of service VMs',
      hosts: 'service',
      async check(ctx) {
        seen[ctx.host.host.name] = await ctx.host.run(['sh', '-c', 'ip -o -4 addr show | awk \'{print $4}\'']);
        return { needed: false };
      },
      async apply() {},
    };
    const r = await c.run([probe]);
    expect(r.failed).toBe(false);
    expect(Object.keys(seen).sort()).toEqual(lab.serviceVms.map((h) => h.name).sort());
    expect(seen.keystone).toContain('192.168.100.40/');
    const connects = r.log.filter((e) => e.event === 'connect' && e.ok === true);
    expect(connects.find((e) => e.host === 'keystone')).toMatchObject({ address: '192.168.100.40', via: 'router' });
    expect(connects.filter((e) => e.host === 'router')).toHaveLength(1); // one router connection for all nine
  });

  it('refuses unknown host keys with the fingerprint, records them with --accept-new-host-keys, always refuses changed keys', async () => {
    const c1 = lab.host('compute-1');
    const empty = `${c.dir}/known_hosts.empty`;
    writeFileSync(empty, '');
    const unknown = await c.run([hostsStep], { model: c.model({ knownHostsFile: empty }) });
    expect(unknown.failed).toBe(true);
    expect(statusOf(unknown, 'hosts', 'compute-1')).toBe('failed');
    expect(messageOf(unknown, 'hosts', 'compute-1')).toContain(c1.hostKeyFingerprint);
    expect(messageOf(unknown, 'hosts', 'compute-1')).toMatch(/not known.*hostKey: "SHA256:.*--accept-new-host-keys/s);
    expect(readFileSync(empty, 'utf8')).toBe('');

    const accepted = await c.run([hostsStep], { model: c.model({ knownHostsFile: empty }), acceptNewHostKeys: true });
    expect(accepted.failed).toBe(false);
    const recorded = readFileSync(empty, 'utf8');
    for (const h of lab.computeNodes) expect(recorded).toContain(`${h.ip} ${h.hostKeyLine.split(' ').slice(0, 2).join(' ')}`);
    expect(accepted.lines.join('\n')).toContain(`compute-1: recorded new host key ${c1.hostKeyFingerprint}`);
    expect(accepted.log.filter((e) => e.event === 'host-key-recorded')).toHaveLength(3);
    // Now known: the same file works without the flag.
    expect((await c.run([hostsStep], { model: c.model({ knownHostsFile: empty }) })).failed).toBe(false);

    // compute-1's address listed with compute-2's key: a changed key, refused even with the flag.
    const wrong = `${c.dir}/known_hosts.wrong`;
    const k2 = lab.host('compute-2').hostKeyLine.split(' ').slice(0, 2).join(' ');
    writeFileSync(wrong, readFileSync(c.knownHostsFile, 'utf8').replace(new RegExp(`^.*\\b${c1.ip.replace(/\./g, '\\.')}\\b.*$`, 'm'), `${c1.ip} ${k2}`));
    const changed = await c.run([hostsStep], { model: c.model({ knownHostsFile: wrong }), acceptNewHostKeys: true });
    expect(statusOf(changed, 'hosts', 'compute-1')).toBe('failed');
    expect(messageOf(changed, 'hosts', 'compute-1')).toMatch(/HOST KEY CHANGED .*compute-1.*Refusing/s);
    expect(statusOf(changed, 'hosts', 'compute-2')).toBe('ok'); // the others are unaffected
    expect(readFileSync(wrong, 'utf8')).not.toContain(c1.hostKeyLine.split(' ')[1]);

    // A pinned fingerprint: the right one connects, a wrong one is refused.
    const pinnedOk = await c.run([hostsStep], { model: c.model({ knownHostsFile: empty, hostKeys: { 'compute-1': c1.hostKeyFingerprint } }) });
    expect(statusOf(pinnedOk, 'hosts', 'compute-1')).toBe('ok');
    const pinnedBad = await c.run([hostsStep], {
      model: c.model({ hostKeys: { 'compute-1': lab.host('compute-3').hostKeyFingerprint } }),
    });
    expect(statusOf(pinnedBad, 'hosts', 'compute-1')).toBe('failed');
    expect(messageOf(pinnedBad, 'hosts', 'compute-1')).toContain('does not match the pinned hostKey');
  });

  it('waits for a rebooting host, reconnects with the same key, then runs the later steps', async () => {
    const reboot: AnyStep = {
      id: 'needs-reboot',
      title: 'reboot when /run/reboot-required exists',
      hosts: (h) => h.name === 'compute-1',
      mayReboot: true,
      async check(ctx) {
        return (await ctx.host.stat('/run/reboot-required')) ? { needed: true, description: 'reboot', plan: undefined } : { needed: false };
      },
      async apply(ctx) {
        await ctx.host.reboot({ downTimeoutMs: 20_000, upTimeoutMs: 60_000 });
      },
    };
    const after: AnyStep = {
      id: 'after-reboot',
      title: 'runs once the host is back',
      hosts: (h) => h.name === 'compute-1',
      dependsOn: ['needs-reboot'],
      async check(ctx) {
        const alive = await ctx.host.exec({ script: 'kill -0 "$(cat /root/sleeper.pid)"' });
        await ctx.host.writeFile('/root/after-reboot', alive.code === 0 ? 'sleeper alive\n' : 'sleeper gone\n');
        return { needed: false };
      },
      async apply() {},
    };
    const c1 = lab.host('compute-1');
    await c1.exec('touch /run/reboot-required; setsid sleep 600 >/dev/null 2>&1 < /dev/null & echo $! > /root/sleeper.pid');
    const r = await c.run([reboot, after]);
    expect(r.error).toBeUndefined();
    expect(r.failed).toBe(false);
    expect(statusOf(r, 'needs-reboot', 'compute-1')).toBe('changed');
    expect(statusOf(r, 'after-reboot', 'compute-1')).toBe('ok');
    expect(await exec('compute-1', 'cat /root/after-reboot')).toBe('sleeper gone\n'); // every process died
    // The engine saw the host go down, then come back, and only then ran the later step.
    const said = (what: RegExp) => r.lines.findIndex((l) => what.test(l));
    const order = [/\[compute-1\] needs-reboot: rebooting/, /\[compute-1\] needs-reboot: down; waiting/, /\[compute-1\] needs-reboot: back after/].map(said);
    expect(order.every((i) => i >= 0), r.lines.join('\n')).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const connects = r.log.filter((e) => e.event === 'connect' && e.ok === true && e.host === 'compute-1');
    expect(connects).toHaveLength(2);
    expect(connects[1]!.fingerprint).toBe(c1.hostKeyFingerprint);

    // Converged: the next run reboots nothing.
    const again = await c.run([reboot, after]);
    expect(statusOf(again, 'needs-reboot', 'compute-1')).toBe('ok');
  });

  it('a reboot that never comes back fails with a timeout naming the host', async () => {
    const c3 = lab.host('compute-3');
    const stuck: AnyStep = {
      id: 'stuck-reboot',
      title: 'reboot into nowhere',
      hosts: (h) => h.name === 'compute-3',
      mayReboot: true,
      async check() {
        return { needed: true, description: 'reboot', plan: undefined };
      },
      async apply(ctx) {
        await ctx.host.reboot({ downTimeoutMs: 10_000, upTimeoutMs: 3_000 });
      },
    };
    await c3.exec('echo 8 > /etc/opencloud-lab/reboot-delay');
    try {
      const r = await c.run([stuck]);
      expect(statusOf(r, 'stuck-reboot', 'compute-3')).toBe('failed');
      expect(messageOf(r, 'stuck-reboot', 'compute-3')).toMatch(/compute-3 did not come back within 3 s/);
    } finally {
      // Bring it back for the tests after this one.
      await c3.exec('echo 2 > /etc/opencloud-lab/reboot-delay');
      for (let i = 0; i < 80 && (await c3.exec('test -s /run/sshd.pid')).code !== 0; i++) await new Promise((res) => setTimeout(res, 500));
    }
  }, 90_000);

  it('a connection lost mid-step fails only that host; a clean re-run converges', async () => {
    await resetMarkers();
    const c3 = lab.host('compute-3');
    await c3.exec('test -s /run/sshd.pid || /usr/lib/opencloud-lab/start-sshd');
    const slow = markerStep('slow-write', {}, { hold: true });
    const run = c.run([slow, markerStep('later', { dependsOn: ['slow-write'] })]);
    // Cut the link while compute-3's command is under way (it waits for the release), then let go.
    for (let i = 0; (await c3.exec('test -e /root/writing-slow-write')).code !== 0; i++) {
      if (i === 1200) throw new Error('slow-write never started on compute-3');
      await new Promise((res) => setTimeout(res, 50));
    }
    await c3.linkDown();
    await Promise.all(lab.computeNodes.map((h) => h.exec('touch /root/release')));
    const r = await run;
    await c3.linkUp();
    expect(statusOf(r, 'slow-write', 'compute-3')).toBe('failed');
    expect(messageOf(r, 'slow-write', 'compute-3')).toMatch(/connection lost.*may be partly made.*run bootstrap again/s);
    expect(statusOf(r, 'later', 'compute-3')).toBe('skipped');
    for (const h of ['compute-1', 'compute-2']) {
      expect(statusOf(r, 'slow-write', h)).toBe('changed');
      expect(statusOf(r, 'later', h)).toBe('changed');
    }

    // sshd stopped on compute-2: the connection fails (after its retries) for that host only.
    await lab.host('compute-2').stopSshd();
    try {
      const down = await c.run([hostsStep, markerStep('later2')]);
      expect(statusOf(down, 'hosts', 'compute-2')).toBe('failed');
      expect(messageOf(down, 'hosts', 'compute-2')).toMatch(/cannot connect after 2 attempts.*ECONNREFUSED/);
      expect(statusOf(down, 'later2', 'compute-2')).toBe('skipped');
      expect(messageOf(down, 'later2', 'compute-2')).toMatch(/host unreachable/);
      expect(statusOf(down, 'later2', 'compute-1')).toBe('changed');
    } finally {
      await lab.host('compute-2').startSshd();
    }

    const steps = [hostsStep, slow, markerStep('later', { dependsOn: ['slow-write'] }), markerStep('later2')];
    const rerun = await c.run(steps);
    expect(rerun.failed).toBe(false);
    const third = await c.run(steps);
    expect(totals(third)).toEqual({ ok: 12, changed: 0, failed: 0, skipped: 0 });
  });

  it('redacts registered secrets and password patterns from the log and the terminal', async () => {
    const secretStep: AnyStep = {
      id: 'secretive',
      title: 'handles a password',
      hosts: (h) => h.name === 'compute-1',
      async check(ctx) {
        ctx.secret('Tr0ub4dor-and-3');
        await ctx.host.run(['sh', '-c', 'echo "token Tr0ub4dor-and-3; OS_PASSWORD=plainpass1 ok"']);
        await ctx.host.run({ script: 'printf "%s\\n" "$1" >&2; exit 3', args: ['password=hunter2 Tr0ub4dor-and-3'] });
        return { needed: false };
      },
      async apply() {},
    };
    const r = await c.run([secretStep]);
    expect(statusOf(r, 'secretive', 'compute-1')).toBe('failed');
    const text = readFileSync(r.logFile, 'utf8') + r.lines.join('\n');
    expect(text).toContain('[REDACTED]');
    for (const secret of ['Tr0ub4dor-and-3', 'plainpass1', 'hunter2']) expect(text).not.toContain(secret);
  });

  it('shows remote text on the terminal without its control characters', async () => {
    // A host whose output tries to clear the line and print "ok" over the failure, and to set the
    // terminal's title: the operator sees every character, none acts.
    const hostile: AnyStep = {
      id: 'hostile',
      title: 'prints escape sequences',
      hosts: (h) => h.name === 'compute-1',
      async check(ctx) {
        const banner = await ctx.host.run(['printf', '%b', 'motd \\033]0;owned\\007 done']);
        ctx.log(`remote says: ${banner}`);
        await ctx.host.run({ script: 'printf "failed\\r\\033[2K\\033[32mok\\033[0m\\n" >&2; exit 4' });
        return { needed: false };
      },
      async apply() {},
    };
    const r = await c.run([hostile]);
    expect(statusOf(r, 'hostile', 'compute-1')).toBe('failed');
    const terminal = r.lines.join('\n');
    expect(terminal).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(terminal).toContain('remote says: motd \\x1b]0;owned\\x07 done');
    expect(terminal).toContain('failed\\x0d\\x1b[2K\\x1b[32mok\\x1b[0m');
  });

  it('the opencloud bootstrap command: exit codes, recap, dry run, live task list on a terminal, log under .opencloud/runs', async () => {
    const cwd = c.dir;
    const inventory = c.model().sourceFile;
    const outputsFile = join(cwd, 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify({ [CLUSTER]: c.outputs([{ ip: '198.51.100.7', names: ['cli.amazon'] }]) }));
    const bin = resolve('bin/opencloud.js');
    const cli = (args: string[]) => {
      const p = spawnSync(process.execPath, [bin, 'bootstrap', inventory, '--outputs', outputsFile, '--only', 'hosts', ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: '' } });
      return { code: p.status, out: p.stdout + p.stderr };
    };
    const dry = cli(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/compute-1 +: ok=0 {2}changed=1/);
    expect(await exec('compute-1', 'cat /etc/hosts')).not.toContain('cli.amazon');

    // On a terminal (script(1) gives one): the live task list, same result.
    const tty = spawnSync('script', ['-qec', `stty cols 160; ${process.execPath} ${bin} bootstrap ${inventory} --outputs ${outputsFile} --only hosts --concurrency 2`, '/dev/null'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CI: '', TERM: 'xterm' },
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/compute-1 +ok=0 changed=1 failed=0 skipped=0/);
    expect(await exec('compute-1', 'cat /etc/hosts')).toContain('198.51.100.7 cli.amazon');

    const second = cli([]);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/compute-3 +: ok=1 {2}changed=0 {2}failed=0 {2}skipped=0/);

    await lab.host('compute-2').stopSshd();
    try {
      const failed = cli([]);
      expect(failed.code).toBe(1);
      expect(failed.out).toMatch(/FAILED\ncompute-2 hosts: .*ECONNREFUSED/);
    } finally {
      await lab.host('compute-2').startSshd();
    }
    const logs = readdirSync(join(cwd, '.opencloud', 'runs')).filter((f) => f.endsWith(`-${CLUSTER}.jsonl`));
    expect(logs.length).toBe(4);
    expect(logs.every((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-labtest\.jsonl$/.test(f))).toBe(true);
  });
});
