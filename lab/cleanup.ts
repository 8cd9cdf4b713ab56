import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOperatorLink, parseTag, RunNames } from './names.ts';

// Teardown is synchronous so that the same code serves stop() and a process 'exit' handler.

const NETNS_DIR = '/run/netns';

export function listNetns(): string[] {
  try {
    return fs.readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
}

/** Interfaces of the current network namespace (/proc/net follows the caller's namespace, /sys does not). */
export function currentLinks(): string[] {
  return fs
    .readFileSync('/proc/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((line) => line.split(':')[0]!.trim())
    .filter(Boolean);
}

/** Pids of the processes inside any of the named namespaces (what `ip netns pids` does, for many at once). */
export function pidsInNetns(names: readonly string[]): number[] {
  const inodes = new Set<number>();
  for (const name of names) {
    try {
      inodes.add(fs.statSync(path.join(NETNS_DIR, name)).ino);
    } catch {
      // already deleted
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Zombies and exited processes have no namespace link any more and are skipped.
      if (inodes.has(fs.statSync(`/proc/${entry}/ns/net`).ino)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Kills every process in the namespaces until none is left. SSH sessions outlive a killed sshd and
 * would keep a namespace (and its veths) alive; killing a host's holder (its pid namespace's init)
 * takes all of the host's processes with it.
 */
function killNetnsProcesses(names: readonly string[]): void {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const pids = pidsInNetns(names);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`lab teardown: processes ${pids.join(' ')} do not die`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    sleepSync(20);
  }
}

function ipBatch(lines: readonly string[]): void {
  if (lines.length > 0) spawnSync('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
}

/** Removes everything a run created: its processes, namespaces (with their bridges and veths), directory. */
export function teardownRun(run: RunNames): void {
  if (currentLinks().includes(run.operatorLink)) ipBatch([`link del ${run.operatorLink}`]);
  const namespaces = listNetns().filter((n) => n.startsWith(`${run.tag}-`));
  killNetnsProcesses(namespaces);
  ipBatch(namespaces.map((n) => `netns del ${n}`));
  fs.rmSync(run.dir, { recursive: true, force: true });
}

/**
 * Tears down what earlier runs left behind: runs whose process is gone, and earlier runs of this
 * very process (the caller makes sure none of its labs is active). Labs of live processes are
 * left alone; one sharing this network namespace would clash with a new lab, so that throws.
 */
export function removeLeftovers(): void {
  const runs = new Map<string, RunNames>();
  for (const name of [...listNetns(), ...fs.readdirSync(os.tmpdir())]) {
    const run = parseTag(name);
    if (run) runs.set(run.tag, run);
  }
  const stale = (run: RunNames) => run.pid === process.pid || !isAlive(run.pid);
  for (const run of runs.values()) if (stale(run)) teardownRun(run);

  for (const link of currentLinks()) {
    const id = parseOperatorLink(link);
    if (id === undefined) continue;
    const owner = [...runs.values()].find((r) => r.id === id && !stale(r));
    if (owner) throw new Error(`another lab (pid ${owner.pid}) is active in this network namespace`);
    ipBatch([`link del ${link}`]);
  }
}

/** Runs `cleanup` when the process exits or gets SIGINT/SIGTERM; returns the function that unregisters it. */
export function onExitOrSignal(cleanup: () => void): () => void {
  const onExit = () => {
    try {
      cleanup();
    } catch (e) {
      console.error('lab cleanup failed:', e);
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    unregister();
    process.kill(process.pid, signal); // default action, now that we are out of the way
  };
  const unregister = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return unregister;
}
