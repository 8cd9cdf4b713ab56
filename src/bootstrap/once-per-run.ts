// A change that several hosts' steps find missing but that must be made once: the compute
// relations and the nova-compute settings, which every joining node checks. The first step to ask
// makes it; the others of the same run await that same attempt (and share its failure).
// The runner owns one per run and waits for every attempt before the recap: work started on
// behalf of several nodes ends inside the run even when every node that asked for it has failed.

export class OncePerRun {
  private readonly attempts = new Map<string, Promise<unknown>>();
  private ended = false;

  /** Makes the change (first caller) or awaits the attempt under way or made. */
  run<T>(what: string, make: () => Promise<T>): Promise<T> {
    let attempt = this.attempts.get(what) as Promise<T> | undefined;
    if (attempt) return attempt;
    if (this.ended) return Promise.reject(new Error(`${what}: not started, the run has ended`));
    // Started on the next tick so a make() that throws at once still becomes this attempt's failure.
    attempt = Promise.resolve().then(make);
    this.attempts.set(what, attempt);
    return attempt;
  }

  /**
   * Resolves once every attempt has settled, attempts started meanwhile included; from then on no
   * new attempt starts. Never rejects: each failure belongs to the steps that awaited it.
   */
  async end(): Promise<void> {
    for (let seen = -1; seen !== this.attempts.size; ) {
      seen = this.attempts.size;
      await Promise.allSettled(this.attempts.values());
    }
    this.ended = true;
  }
}
