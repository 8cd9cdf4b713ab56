// The run's `--concurrency`: slots for work on hosts. A freed slot goes to the waiting unit whose
// host comes first in the cluster, and only once the step that freed it has let its host's next
// step queue up (one turn of the event loop). So a host already started goes on to its next step
// before a new host starts: early nodes reach the Juju steps sooner, and the Juju host's work
// overlaps with the later nodes' own steps instead of waiting for all of them.
export class HostSlots {
  private active = 0;
  private readonly waiting: { readonly rank: number; readonly start: () => void }[] = [];
  private draining = false;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a whole number of at least 1, got ${limit}`);
  }

  /** Runs fn in a slot; `rank` is the host's place in the cluster (lower goes first). */
  async run<T>(rank: number, fn: () => Promise<T>): Promise<T> {
    await this.acquire(rank);
    try {
      return await fn();
    } finally {
      this.active--;
      this.drain();
    }
  }

  private acquire(rank: number): Promise<void> {
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((start) => {
      // Stable: among units of one rank, first come first served.
      const at = this.waiting.findIndex((w) => w.rank > rank);
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { rank, start });
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      while (this.active < this.limit && this.waiting.length > 0) {
        this.active++;
        this.waiting.shift()!.start();
      }
    });
  }
}
