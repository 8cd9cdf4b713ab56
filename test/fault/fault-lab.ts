// Fault injection on the compute lab (lab/compute-lab.ts): a reader loop that
// watches /etc/hosts from inside a host, faults placed inside a real step through the step's own
// session (a wrapper, never a switch in src/), and the host-side tools to break things (kill sshd
// with its sessions, cut a link, slow a reboot). The Juju stand-in's switches: ../lab/juju-host.ts.
import type { AnyStep, StepContext } from '../../src/bootstrap/step.ts';
import type { HostSession } from '../../src/remote/host.ts';
import type { LabHost } from '../../lab/lab.ts';

import { must } from '../../lab/host-commands.ts';

/**
 * Kills the host's sshd, listener and every session process, by pid, inside the host's own pid
 * namespace: open connections die with it, as when sshd crashes or is killed by the OOM killer.
 */
export async function killSshd(host: LabHost): Promise<void> {
  await must(
    host,
    // OpenSSH 9.8 and later run sessions as sshd-session (and sshd-auth): those die too.
    'for p in /proc/[0-9]*; do case "$(cat "$p/comm" 2>/dev/null)" in sshd | sshd-session | sshd-auth) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac; done; rm -f /run/sshd.pid; true',
  );
}

/** Makes the hosts step rewrite /etc/hosts on the node: a line inside the block is changed. */
export async function staleHostsBlock(host: LabHost): Promise<void> {
  await must(host, "sed -i '/^# BEGIN opencloud /,/^# END opencloud /s/juju.amazon/juju.old/' /etc/hosts");
}

/** Makes compute-config work again on the node: its sysctl file gone, forwarding off. */
export async function staleComputeConfig(host: LabHost): Promise<void> {
  await must(host, 'rm -f /etc/sysctl.d/60-opencloud.conf && echo 0 > /proc/sys/net/ipv4/ip_forward');
}

export interface HostsReader {
  /** Stops the loop and returns every distinct content of /etc/hosts it read, in order. */
  stop(): Promise<string[]>;
}

/**
 * A loop inside the host that reads /etc/hosts as fast as it can while the run happens, and keeps
 * a copy of every content that differs from the one before (in the host's private /tmp). A write
 * that is not atomic (truncate, then write) shows up as an empty or cut file among the copies.
 */
export async function startHostsReader(host: LabHost): Promise<HostsReader> {
  const dir = '/tmp/hosts-reader';
  await must(host, `rm -rf ${dir} && mkdir -p ${dir}`);
  const loop = host.exec(
    [
      `cd ${dir} || exit 1`,
      'n=0',
      ': > last',
      'while [ ! -e stop ]; do',
      '  cat /etc/hosts > cur',
      '  if ! cmp -s cur last; then n=$((n + 1)); cp cur "seen.$(printf %06d $n)"; cp cur last; fi',
      'done',
      'touch stopped',
    ].join('\n'),
  );
  // The loop has read the file at least once before the run starts.
  for (let i = 0; i < 100 && (await host.exec(`[ -e ${dir}/seen.000001 ]`)).code !== 0; i++) await new Promise((r) => setTimeout(r, 20));
  return {
    async stop() {
      await must(host, `touch ${dir}/stop`);
      await loop; // resolves at once when a simulated reboot killed the loop
      const names = (await must(host, `ls ${dir} | grep '^seen\\.' || true`)).split('\n').filter(Boolean);
      const seen: string[] = [];
      for (const name of names) seen.push(await must(host, `cat ${dir}/${name}`));
      return seen;
    },
  };
}

/** A HostSession that behaves like `s` except for what `over` replaces. */
export function sessionWith(s: HostSession, over: Partial<Pick<HostSession, 'exec' | 'run' | 'writeFile' | 'reboot'>>): HostSession {
  return {
    get host() {
      return s.host;
    },
    get dryRun() {
      return s.dryRun;
    },
    get signal() {
      return s.signal;
    },
    exec: over.exec ?? ((c, o) => s.exec(c, o)),
    run: over.run ?? ((c, o) => s.run(c, o)),
    readFile: (p, o) => s.readFile(p, o),
    stat: (p, o) => s.stat(p, o),
    writeFile: over.writeFile ?? ((p, c, o) => s.writeFile(p, c, o)),
    hostKey: () => s.hostKey(),
    reboot: over.reboot ?? ((o) => s.reboot(o)),
  };
}

/**
 * `steps` with one step's apply given a different session on one host: the place a fault is
 * injected at the exact moment of a real step (the step's own code runs unchanged).
 */
export function withApplySession(
  steps: readonly AnyStep[],
  stepId: string,
  hostName: string,
  wrap: (session: HostSession, ctx: StepContext) => HostSession,
): AnyStep[] {
  return steps.map((step) =>
    step.id !== stepId
      ? step
      : {
          ...step,
          apply: (ctx: StepContext, plan: unknown) => step.apply(ctx.host.host.name === hostName ? { ...ctx, host: wrap(ctx.host, ctx) } : ctx, plan),
        },
  );
}

/**
 * Ends a simulated reboot's wait for the delay in the host's reboot-delay file (its `sleep SECONDS`),
 * once that wait has begun: the host comes back now. With a delay far longer than any timeout under
 * test, a reboot outlasts that timeout for certain, however loaded the machine.
 */
export async function endRebootWait(host: LabHost, seconds: number): Promise<void> {
  const find = `for p in /proc/[0-9]*; do [ "$(tr '\\0' ' ' < "$p/cmdline" 2>/dev/null)" = 'sleep ${seconds} ' ] && echo "\${p#/proc/}"; done; true`;
  for (let i = 0; i < 1200; i++) {
    const pids = (await must(host, find)).split('\n').filter(Boolean);
    if (pids.length > 0) return void (await must(host, `kill ${pids.join(' ')}`));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${host.name}: no reboot waiting \`sleep ${seconds}\``);
}

/** Resolves once the host's sshd listens again (after a simulated reboot). */
export async function waitForSshd(host: LabHost, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await host.exec('[ -s /run/sshd.pid ] && kill -0 "$(cat /run/sshd.pid)"')).code !== 0) {
    if (Date.now() > deadline) throw new Error(`${host.name}: sshd not back within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface HeldWrite {
  /** Resolves once a write of the file is under way: its new content is in the temp file, the rename not done. */
  held(): Promise<{ tmp: string }>;
  /** Ends the held write the way sshd ends the session of a dead connection: its processes are killed. */
  kill(): Promise<void>;
  /** Removes the hold (after kill, or to let a held write go on). */
  remove(): Promise<void>;
}

const HOLD_DIR = '/tmp/held-write';

/**
 * Holds the next atomic write of `target` on the host mid-way: a `chown` first in root's PATH
 * stops the write script at `chown --reference=TARGET -- TMP` (after the content is in TMP, before
 * the rename) until released. What a slow disk or a loaded host does, made certain, so a fault
 * can be placed inside the write.
 */
export async function holdWrite(host: LabHost, target: string): Promise<HeldWrite> {
  const shim = [
    '#!/bin/sh',
    `case "$1" in --reference=${target})`,
    `  echo "$$ $PPID $3" > ${HOLD_DIR}/held.tmp && mv ${HOLD_DIR}/held.tmp ${HOLD_DIR}/held`,
    `  while [ ! -e ${HOLD_DIR}/release ]; do sleep 0.05; done ;;`,
    'esac',
    'exec /bin/chown "$@"',
    '',
  ].join('\n');
  await must(host, `rm -rf ${HOLD_DIR} && mkdir -p ${HOLD_DIR} && cat > /usr/local/bin/chown && chmod 755 /usr/local/bin/chown`, shim);
  const heldLine = async () => (await host.exec(`cat ${HOLD_DIR}/held 2>/dev/null`)).stdout.trim().split(' ');
  return {
    async held() {
      for (let i = 0; i < 1200; i++) {
        const [pid, , tmp] = await heldLine();
        if (pid && tmp) return { tmp };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${host.name}: no write of ${target} reached the hold`);
    },
    async kill() {
      const [pid, parent] = await heldLine();
      if (pid && parent) await host.exec(`kill -KILL ${parent} ${pid}`); // either may be gone already
    },
    async remove() {
      await must(host, `touch ${HOLD_DIR}/release; rm -f /usr/local/bin/chown`);
    },
  };
}
