// The synthesized Terraform JSON of cdktf (`cdktf.out/stacks/<name>/cdk.tf.json`), read as
// plain JSON: review tooling and the stack policy read it without loading cdktf types.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One stack's cdk.tf.json: `resource.<type>.<name>`, `data.<type>.<name>`, `provider`, `terraform`, ... */
export type TerraformDocument = JsonObject;

/** Every stack one version of the repository synthesizes, by stack name (= cluster name). */
export interface SynthesizedStacks {
  /** What this is, for the output: a git ref, a directory, "working tree". */
  readonly label: string;
  readonly stacks: ReadonlyMap<string, TerraformDocument>;
  /** Things the reader should know about how it was obtained. */
  readonly notes: readonly string[];
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The stacks directory inside `dir`: `dir` may be a cdktf.out directory (holding `stacks/`),
 * its `stacks/` directory itself, or a checkout holding `cdktf.out/stacks/`.
 */
export function findStacksDir(dir: string): string | undefined {
  const candidates = [join(dir, 'stacks'), dir, join(dir, 'cdktf.out', 'stacks')];
  return candidates.find((c) => isDirectory(c) && stackNames(c).length > 0);
}

/** Reads every `<name>/cdk.tf.json` under a stacks directory. */
export function readStacksDir(stacksDir: string, label: string, notes: readonly string[] = []): SynthesizedStacks {
  const stacks = new Map<string, TerraformDocument>();
  for (const name of stackNames(stacksDir)) {
    const file = join(stacksDir, name, 'cdk.tf.json');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) throw new Error(`${file} is not a Terraform JSON object`);
    stacks.set(name, parsed);
  }
  return { label, stacks, notes };
}

function stackNames(stacksDir: string): string[] {
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, 'cdk.tf.json')))
    .sort();
}

const isDirectory = (p: string) => existsSync(p) && statSync(p).isDirectory();
