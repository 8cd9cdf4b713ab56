// Stopping a run early: the operator's SIGINT or SIGTERM becomes the reason of the run's
// AbortSignal, and a session refuses to start any command once that signal is aborted.
import { constants } from 'node:os';

/** The reason a run was stopped: the signal the operator (or a CI job's timeout) sent. */
export class Interruption extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.name = 'Interruption';
  }

  /** The shell's convention for a process ended by a signal: 128 + its number (130, 143). */
  get exitCode(): number {
    return 128 + constants.signals[this.signal];
  }
}

/** What an aborted signal's reason says, for messages: `interrupted by SIGTERM`. */
export function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? 'stopped');
}

/** A command the session did not start because the run was stopped. */
export class CommandNotStartedError extends Error {
  constructor(readonly host: string, readonly command: string, readonly reason: string) {
    super(`${host}: \`${command}\` not started (${reason})`);
    this.name = 'CommandNotStartedError';
  }
}
