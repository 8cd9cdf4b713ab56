// Reads shared between steps running at once: a caller always gets a read that started after it
// asked (so it sees every change made before), and callers asking meanwhile share one read.
import { describe, expect, it } from 'vitest';
import { JujuClient } from '../../../src/remote/juju/client.ts';
import { SharedReads } from '../../../src/remote/juju/shared-reads.ts';
import { findMachineByAddress } from '../../../src/remote/juju/status.ts';
import { FakeSession, ok } from '../fake-session.ts';
import { STATUS_1_25, STATUS_EMPTY } from './samples.ts';

/** A read whose every start is counted and which ends when the test says so. */
function controlledRead() {
  const pending: ((v: number) => void)[] = [];
  let started = 0;
  return {
    read: () => new Promise<number>((resolve) => pending.push(resolve)).then((v) => v),
    start: () => ++started,
    get started() {
      return started;
    },
    finish: (value: number) => pending.shift()!(value),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedReads', () => {
  it('never hands a caller a read that began before it asked; callers arriving meanwhile share the next', async () => {
    const reads = new SharedReads();
    const r = controlledRead();
    const read = () => (r.start(), r.read());
    const first = reads.read('status', read);
    // A change happens here, then three callers ask while the first read is still running.
    const later = [reads.read('status', read), reads.read('status', read), reads.read('status', read)];
    expect(r.started).toBe(1);
    r.finish(1);
    expect(await first).toBe(1);
    await tick();
    expect(r.started).toBe(2); // one more read, for all three
    r.finish(2);
    expect(await Promise.all(later)).toEqual([2, 2, 2]);
  });

  it('starts afresh once nothing is running, and keeps different reads apart', async () => {
    const reads = new SharedReads();
    let n = 0;
    expect(await reads.read('status', async () => ++n)).toBe(1);
    expect(await reads.read('status', async () => ++n)).toBe(2);
    const [a, b] = await Promise.all([reads.read('get a', async () => 'a'), reads.read('get b', async () => 'b')]);
    expect([a, b]).toEqual(['a', 'b']);
  });

  it('gives a failed read to everyone who shared it, and the next caller reads again', async () => {
    const reads = new SharedReads();
    const r = controlledRead();
    const first = reads.read('status', async () => 0);
    const failing = reads.read('status', () => Promise.reject(new Error('connection lost')));
    const sharing = reads.read('status', async () => 99);
    await first;
    await expect(failing).rejects.toThrow('connection lost');
    await expect(sharing).rejects.toThrow('connection lost');
    const again = reads.read('status', () => (r.start(), r.read()));
    r.finish(3);
    expect(await again).toBe(3);
  });
});

describe('JujuClient.status between steps', () => {
  it('runs one `juju status` for the nodes asking at once, and a new one for whoever asks after a change', async () => {
    let machines = STATUS_EMPTY;
    const s = new FakeSession(async (argv) => {
      await new Promise((r) => setTimeout(r, 10));
      return argv[1] === 'status' ? ok(machines) : ok();
    });
    const client = () => new JujuClient(s); // each step makes its own client on the one session
    const statusCalls = () => s.jujuCalls.filter((c) => c.startsWith('status')).length;
    const before = await Promise.all([client().status(), client().status(), client().status(), client().status()]);
    expect(before.map((st) => st.machines.map((m) => m.id))).toEqual([['0'], ['0'], ['0'], ['0']]);
    const shared = statusCalls();
    expect(shared).toBeLessThanOrEqual(2);
    machines = STATUS_1_25; // "add-machine" happened
    const after = await client().status();
    // The caller after the change sees it: the machines add-machine made, not the empty environment's machine 0.
    expect(statusCalls()).toBe(shared + 1);
    expect(after.machines.map((m) => m.id)).toEqual(['0', '0/lxc/0', '1', '2']);
    expect(findMachineByAddress(after, '198.51.100.11')?.id).toBe('1');
  });
});
