// A problem the operator can act on, with the exit code it means (1 failure, 2 usage), raised
// by review tooling without importing the CLI module (which runs the program when loaded).
export class ReviewError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'ReviewError';
  }
}
