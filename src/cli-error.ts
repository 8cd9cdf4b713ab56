/** An error whose message is the whole story for the operator, with the exit code it means. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
    this.name = 'CliError';
  }
}
