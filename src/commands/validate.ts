// `opencloud validate [FILE...]`: every problem of every inventory, one line each.
import { formatGithub, formatText, type Diagnostic } from '../inventory/diagnostic.ts';
import { inventoryFiles, parseInventory, readInventoryFile } from '../inventory/load.ts';

export type DiagnosticFormat = 'text' | 'github';

export interface ValidateOptions {
  readonly format: DiagnosticFormat;
  readonly out: (line: string) => void;
}

/** Exit code 0 when every file is valid, 1 otherwise. Unreadable files throw InventoryFileError. */
export function validate(files: readonly string[], { format, out }: ValidateOptions): 0 | 1 {
  const targets = files.length > 0 ? files : inventoryFiles();
  // Read every file first, so a missing one is reported before any output.
  const texts = targets.map((file) => ({ file, text: readInventoryFile(file) }));
  const diagnostics: Diagnostic[] = [];
  const clusterFiles = new Map<string, string>();
  let valid = 0;
  for (const { file, text } of texts) {
    const result = parseInventory(text, file);
    diagnostics.push(...result.diagnostics);
    if (!result.model) continue;
    // The cluster name is the stack id: two files with one name would fight over one stack.
    const other = clusterFiles.get(result.model.name);
    if (other) {
      diagnostics.push(result.diagnosticAt(['name'], `cluster "${result.model.name}" is already defined in ${other}`));
      continue;
    }
    clusterFiles.set(result.model.name, file);
    valid++;
  }
  const print = format === 'github' ? formatGithub : formatText;
  for (const d of diagnostics) out(print(d));
  if (diagnostics.length === 0) out(`${valid} inventor${valid === 1 ? 'y' : 'ies'} valid: ${targets.join(', ')}`);
  return diagnostics.length === 0 ? 0 : 1;
}

