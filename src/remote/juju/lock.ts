// One Juju environment changes one command at a time from this process: steps for several
// compute nodes run at once, and "does nova-compute exist? then deploy, else add-unit" must not
// interleave between them. The lock is re-entrant within one async call chain (AsyncLocalStorage),
// so a step can hold it around a read-decide-act sequence that calls locking client methods.
import { AsyncLocalStorage } from 'node:async_hooks';

class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const mutexes = new Map<string, Mutex>();
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Runs fn holding the lock of one Juju environment (keyed by its Juju host). */
export function withJujuLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const holding = held.getStore();
  if (holding?.has(key)) return fn();
  let mutex = mutexes.get(key);
  if (!mutex) mutexes.set(key, (mutex = new Mutex()));
  return mutex.run(() => held.run(new Set([...(holding ?? []), key]), fn));
}
