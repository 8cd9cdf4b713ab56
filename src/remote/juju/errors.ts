// How a failed juju command reads: Juju 1.x prints `ERROR <message>` on stderr and exits 1
// (usage errors: `error: <message>`, exit 2). The message is what the operator needs.
import type { ExecResult } from '../host.ts';

export class JujuCommandError extends Error {
  constructor(
    /** The juju arguments, without `juju`. */
    readonly args: readonly string[],
    readonly result: ExecResult,
  ) {
    super(`juju ${args.join(' ')} failed (exit ${result.code ?? result.signal}): ${jujuMessage(result)}`);
    this.name = 'JujuCommandError';
  }

  /** Juju's own message, without the `ERROR ` prefix. */
  get jujuMessage(): string {
    return jujuMessage(this.result);
  }
}

/** The last `ERROR ...` block of stderr, or its last lines when Juju printed no such line. */
export function jujuMessage(result: ExecResult): string {
  const text = `${result.stderr}`.trim() || result.stdout.trim();
  const at = text.lastIndexOf('ERROR ');
  const message = at >= 0 ? text.slice(at + 'ERROR '.length) : text.split('\n').slice(-3).join(' | ');
  return message.replace(/\s*\n\s*/g, ' ').trim() || '(no output)';
}

/**
 * The thing to create is already there: "service already exists", "relation already exists",
 * "machine is already provisioned". The original scripts treated these as success; so do we.
 */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof JujuCommandError && /already (exists|provisioned)/.test(err.jujuMessage);
}

/** A unit went into an error state while we waited for it. */
export class JujuUnitError extends Error {
  constructor(readonly units: readonly { name: string; message?: string }[]) {
    super(`juju unit${units.length > 1 ? 's' : ''} in error: ${units.map((u) => `${u.name} (${u.message ?? 'no message'})`).join(', ')}`);
    this.name = 'JujuUnitError';
  }
}

/** Units did not all reach `started` within the polls allowed. */
export class JujuWaitTimeoutError extends Error {
  constructor(readonly pending: readonly { name: string; agentState: string }[], polls: number, seconds: number) {
    super(
      `juju units not started after ${polls} polls (${Math.round(seconds)} s): ${
        pending.length ? pending.map((u) => `${u.name} is ${u.agentState}`).join(', ') : 'no matching unit appeared'
      }`,
    );
    this.name = 'JujuWaitTimeoutError';
  }
}
