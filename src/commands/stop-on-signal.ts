// SIGINT and SIGTERM while a command works on the cluster's hosts (bootstrap, preflight, status,
// client-config): the first aborts the command's AbortSignal with an Interruption, so it starts no
// new remote command, closes its connections and reports where it stopped; the command then exits
// 128 + the signal's number (130, 143). A second signal ends the process at once.
import { Interruption } from '../remote/interruption.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Runs `work` with a signal that SIGINT/SIGTERM abort; the handlers are gone when it settles. */
export async function stopOnSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handlers = SIGNALS.map((name) => {
    const handler = () => {
      const interruption = new Interruption(name);
      if (controller.signal.aborted) {
        process.stderr.write(`opencloud: ${name} again: stopping at once\n`);
        process.exit(interruption.exitCode);
      }
      process.stderr.write(`opencloud: ${name} received: stopping (send it again to stop at once)\n`);
      controller.abort(interruption);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return await work(controller.signal);
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/** The Interruption that stopped the work, if it was stopped. */
export function interruptionOf(signal: AbortSignal): Interruption | undefined {
  return signal.aborted && signal.reason instanceof Interruption ? signal.reason : undefined;
}
