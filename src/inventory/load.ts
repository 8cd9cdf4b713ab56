// Reads an inventory file: YAML with positions kept, the schema, then the rules. Every problem
// of the file is reported at once, each at the line and column of the value at fault.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InventorySchema, UNKNOWN_KEY_SEPARATOR, type Inventory } from './schema.ts';
import { checkInventory, type Path } from './rules.ts';
import { toModel, type ClusterModel } from './model.ts';
import { InventoryError, type Diagnostic } from './diagnostic.ts';
import { publicKeyFileProblem } from './public-key-file.ts';
import { checkSecurityGroups, checkSharedGroups } from './security-group-checks.ts';

export interface LoadResult {
  /** Present when the file is valid. */
  readonly model?: ClusterModel;
  readonly inventory?: Inventory;
  readonly diagnostics: readonly Diagnostic[];
  /** Where a value of the document is, for problems found by looking at several files. */
  readonly diagnosticAt: (path: Path, message: string) => Diagnostic;
}

/** The file could not be read at all (missing, a directory, no permission). */
export class InventoryFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`cannot read ${file}: ${reason}`);
    this.name = 'InventoryFileError';
  }
}

export function readInventoryFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new InventoryFileError(file, reason);
  }
}

export function loadInventory(file: string): LoadResult {
  return parseInventory(readInventoryFile(file), file);
}

/** The model of a valid inventory; an InventoryError carrying every problem otherwise. */
export function loadModel(file: string): ClusterModel {
  const result = loadInventory(file);
  if (!result.model) throw new InventoryError(result.diagnostics);
  return result.model;
}

/** Several inventories read together: each file's result, and every problem of every file. */
export interface LoadedInventories {
  readonly files: readonly { readonly file: string; readonly result: LoadResult }[];
  /** The models of the valid files whose cluster name no earlier file took. */
  readonly models: readonly ClusterModel[];
  /** Every problem, including what only shows across files (two inventories of one name). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Loads every file; validate and synthesis both read inventories through here, so an inventory
 * that validates always synthesizes. Files are all read before any is parsed, so an unreadable
 * one throws InventoryFileError before anything is reported.
 */
export function loadInventories(files: readonly string[]): LoadedInventories {
  const texts = files.map((file) => ({ file, text: readInventoryFile(file) }));
  const loaded: { file: string; result: LoadResult }[] = [];
  const models: ClusterModel[] = [];
  const diagnostics: Diagnostic[] = [];
  const clusterFiles = new Map<string, string>();
  for (const { file, text } of texts) {
    const result = parseInventory(text, file);
    loaded.push({ file, result });
    diagnostics.push(...result.diagnostics);
    if (!result.model) continue;
    // The cluster name is the stack id: two files with one name would fight over one stack.
    const other = clusterFiles.get(result.model.name);
    if (other) {
      diagnostics.push(result.diagnosticAt(['name'], `cluster "${result.model.name}" is already defined in ${other}`));
      continue;
    }
    clusterFiles.set(result.model.name, file);
    const c = result.model.controller;
    // Files the inventory names, read as synthesis will read them (not part of parseInventory,
    // which looks at the text alone).
    const unreadable = c.kind === 'managed' && c.publicKeyFile ? publicKeyFileProblem(c.publicKeyFile) : undefined;
    if (unreadable) {
      diagnostics.push(result.diagnosticAt(['controller', 'publicKeyFile'], unreadable));
      continue;
    }
    models.push(result.model);
  }
  // Clusters that add rules to one existing controller's groups, judged together.
  const shared = checkSharedGroups(models);
  const atFault = new Set<ClusterModel>();
  for (const p of shared) {
    const model = models[p.model]!;
    const result = loaded.find((l) => l.result.model === model)!.result;
    diagnostics.push(result.diagnosticAt(p.path, p.message));
    atFault.add(model);
  }
  return { files: loaded, models: models.filter((m) => !atFault.has(m)), diagnostics };
}

/** Every `*.yaml` inventory in a directory, in name order. */
export function inventoryFiles(dir = 'inventory'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

export function parseInventory(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): Diagnostic => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col, message };
  };
  const diagnosticAt = (path: Path, message: string) => at(locate(doc, path).offset, withKey(path, message));
  const failed = (diagnostics: Diagnostic[]): LoadResult => ({ diagnostics: sortByPlace(diagnostics), diagnosticAt });

  const [syntaxError] = doc.errors;
  if (syntaxError) {
    // Later syntax errors are mostly echoes of the first one: report that one alone.
    return failed([at(syntaxError.pos[0], `YAML syntax error: ${firstLine(syntaxError.message)}`)]);
  }
  if (!isMap(doc.contents)) {
    return failed([at(doc.contents?.range?.[0] ?? 0, 'an inventory must be a YAML mapping of keys such as name, region, controller')]);
  }

  const data = toPlainData(doc);
  if ('aliasError' in data) return failed([at(data.offset, data.aliasError)]);
  const parsed = InventorySchema.safeParse(data.value);
  if (!parsed.success) return failed(parsed.error.issues.flatMap((issue) => issueDiagnostics(issue, doc, at)));
  const problems = checkInventory(parsed.data);
  if (problems.length > 0) return failed(problems.map((p) => diagnosticAt(p.path, p.message)));
  const model = toModel(parsed.data, file);
  // On the rules the stack will create, so only once the inventory is otherwise sound.
  const groupProblems = checkSecurityGroups(model);
  if (groupProblems.length > 0) return failed(groupProblems.map((p) => diagnosticAt(p.path, p.message)));
  return { inventory: parsed.data, model, diagnostics: [], diagnosticAt };
}

/** The document as plain data; aliases that cannot be resolved (or expand too much) are problems. */
function toPlainData(doc: Document): { value: unknown } | { aliasError: string; offset: number } {
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return node.resolve(doc) ? undefined : visit.BREAK;
      },
    });
    return { aliasError: `YAML alias error: ${firstLine((err as Error).message)}`, offset };
  }
}

function issueDiagnostics(issue: z.core.$ZodIssue, doc: Document, at: (offset: number, message: string) => Diagnostic): Diagnostic[] {
  if (issue.code === 'unrecognized_keys') {
    const messages = issue.message.split(UNKNOWN_KEY_SEPARATOR);
    return issue.keys.map((key, i) => {
      const place = locate(doc, [...issue.path, key] as Path, true);
      return at(place.offset, withKey(issue.path as Path, messages[i] ?? `unknown key "${key}"`));
    });
  }
  const place = locate(doc, issue.path as Path);
  if (!place.found) {
    const missing = String(issue.path[issue.path.length - 1]);
    return [at(place.offset, withKey(issue.path.slice(0, -1) as Path, `missing required key "${missing}"`))];
  }
  return [at(place.offset, withKey(issue.path as Path, issue.message))];
}

interface Place {
  readonly offset: number;
  /** False when the path ends at a key that is not in the document: offset is then its parent key's. */
  readonly found: boolean;
}

/**
 * Where `path` points in the document: the value there, or with `keyItself` the key of the
 * last segment. When part of the path is missing, the nearest key above it.
 */
function locate(doc: Document, path: Path, keyItself = false): Place {
  let node: unknown = doc.contents;
  let parentOffset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { offset: parentOffset, found: false };
      const keyOffset = (pair.key as Node).range?.[0] ?? parentOffset;
      if (last && keyItself) return { offset: keyOffset, found: true };
      const value = pair.value as Node | null;
      // `key:` with nothing after it: point at the key, the value has no place of its own.
      const hasValue = value && !(isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
      parentOffset = keyOffset;
      node = value;
      if (last) return { offset: hasValue ? value.range?.[0] ?? keyOffset : keyOffset, found: true };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { offset: parentOffset, found: false };
      parentOffset = item.range?.[0] ?? parentOffset;
      node = item;
      if (last) return { offset: parentOffset, found: true };
    } else {
      return { offset: parentOffset, found: false };
    }
  }
  return { offset: parentOffset, found: true };
}

/** Prefixes the message with the key path, e.g. `computeNodes[0].publicIp: ...`. */
function withKey(path: Path, message: string): string {
  const key = path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
  return key ? `${key}: ${message}` : message;
}

function sortByPlace(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;
