// Reads of the Juju environment shared between the steps that run at once. Twenty nodes joining
// together each read `juju status` several times (checks, decisions, waits for agents); every read
// is a Juju client process on the one Juju host. A caller here gets the result of a read that
// *started after it asked*, so it still sees every change made before its call, but callers that
// ask while a read is under way share the next one instead of starting one each.
import type { ClusterHost } from '../host.ts';

interface Pending<T> {
  readonly promise: Promise<T>;
  start(): void;
}

class SharedRead<T> {
  private running?: Promise<unknown>;
  private next?: Pending<T>;

  get(read: () => Promise<T>): Promise<T> {
    // A read already under way began before this call and may miss a change just made: wait for
    // the next one, which every caller arriving meanwhile shares.
    if (this.running) return (this.next ??= this.pending(read)).promise;
    return this.begin(read());
  }

  /** The next read, made (by the first caller's session) once the one under way ends. */
  private pending(read: () => Promise<T>): Pending<T> {
    let start!: () => void;
    const promise = new Promise<T>((resolve, reject) => {
      start = () => this.begin(read()).then(resolve, reject);
    });
    return { promise, start };
  }

  private begin(read: Promise<T>): Promise<T> {
    const running = read.finally(() => {
      if (this.running !== running) return;
      this.running = undefined;
      const next = this.next;
      this.next = undefined;
      next?.start();
    });
    this.running = running;
    return running;
  }
}

/** The shared reads of one Juju host within one run, by what is read (`status`, `get nova-compute`). */
export class SharedReads {
  private readonly reads = new Map<string, SharedRead<unknown>>();

  read<T>(what: string, read: () => Promise<T>): Promise<T> {
    let r = this.reads.get(what) as SharedRead<T> | undefined;
    if (!r) this.reads.set(what, (r = new SharedRead<T>()));
    return r.get(read);
  }
}

// Keyed by the run's host object: a new run (or a test's own host) starts with nothing shared.
const byHost = new WeakMap<ClusterHost, SharedReads>();

export function sharedReads(host: ClusterHost): SharedReads {
  let reads = byHost.get(host);
  if (!reads) byHost.set(host, (reads = new SharedReads()));
  return reads;
}
