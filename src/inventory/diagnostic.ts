// A problem found in an inventory file, with its place, and the two ways it is printed.

export interface Diagnostic {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly message: string;
}

/** `FILE:LINE:COL: message`, the form editors and compilers use. */
export function formatText(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}

/** A GitHub Actions workflow command, shown as an annotation on the pull request's diff. */
export function formatGithub(d: Diagnostic): string {
  const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::error file=${escapeProperty(d.file)},line=${d.line},col=${d.col},title=${escapeProperty('inventory')}::${escapeData(d.message)}`;
}

export class InventoryError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatText).join('\n'));
    this.name = 'InventoryError';
  }
}
