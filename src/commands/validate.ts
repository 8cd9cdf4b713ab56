// `opencloud validate [FILE...]`: every problem of every inventory, one line each.
import { formatGithub, formatText } from '../inventory/diagnostic.ts';
import { inventoryFiles, loadInventories } from '../inventory/load.ts';

export type DiagnosticFormat = 'text' | 'github';

export interface ValidateOptions {
  readonly format: DiagnosticFormat;
  readonly out: (line: string) => void;
}

/** Exit code 0 when every file is valid, 1 otherwise. Unreadable files throw InventoryFileError. */
export function validate(files: readonly string[], { format, out }: ValidateOptions): 0 | 1 {
  const targets = files.length > 0 ? files : inventoryFiles();
  const { models, diagnostics } = loadInventories(targets);
  const print = format === 'github' ? formatGithub : formatText;
  for (const d of diagnostics) out(print(d));
  const valid = models.length;
  if (diagnostics.length === 0) out(`${valid} inventor${valid === 1 ? 'y' : 'ies'} valid: ${targets.join(', ')}`);
  return diagnostics.length === 0 ? 0 : 1;
}
