// The one error type for problems the operator can act on, raised by commands and the review
// tooling alike (they need not import src/cli.ts, which runs the program when loaded) and
// reported by src/cli.ts's reportError: its message on stderr, its exit code.

/** An error whose message is the whole story for the operator, with the exit code it means (1 failure, 2 usage, 128 + N when stopped by signal N). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
    this.name = 'CliError';
  }
}
