// `opencloud validate [FILE...]`: every problem of every inventory, one line each.
import { Option, type Command } from 'commander';
import { formatGithub, formatText } from '../inventory/diagnostic.ts';
import { inventoryFiles, loadInventories } from '../inventory/load.ts';

export type DiagnosticFormat = 'text' | 'github';

export interface ValidateOptions {
  readonly format: DiagnosticFormat;
  readonly out: (line: string) => void;
}

export function registerValidate(program: Command, out: (line: string) => void): void {
  program
    .command('validate')
    .description('check inventories; print each problem as FILE:LINE:COL: message')
    .argument('[files...]', 'inventory files (default: every inventory/*.yaml)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'github']).default('text'))
    .action((files: string[], opts: { format: DiagnosticFormat }) => {
      process.exitCode = validate(files, { format: opts.format, out });
    });
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
