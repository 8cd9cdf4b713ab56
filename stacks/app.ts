// From inventory files to synthesized stacks, in two phases: every inventory is loaded and
// checked, and every stack built and validated, before the first file is written.
import { existsSync, rmSync } from 'node:fs';
import { App, TerraformStack } from 'cdktf';
import { InventoryError } from '../src/inventory/diagnostic.ts';
import { inventoryFiles, loadInventories } from '../src/inventory/load.ts';
import type { ClusterModel } from '../src/inventory/model.ts';
import { ClusterStack } from './cluster-stack.ts';
import { PropsError } from './props.ts';

/** The inventories to synthesize: OPENCLOUD_INVENTORY=FILE, or every inventory/*.yaml. */
export function selectInventories(env: NodeJS.ProcessEnv = process.env, dir = 'inventory'): string[] {
  const one = env.OPENCLOUD_INVENTORY?.trim();
  return one ? [one] : inventoryFiles(dir);
}

/**
 * The models of all files, or an InventoryError with the diagnostics of every file at once:
 * the same checks as `opencloud validate`, through the same loader.
 */
export function loadClusters(files: readonly string[]): ClusterModel[] {
  const { models, diagnostics } = loadInventories(files);
  if (diagnostics.length > 0) throw new InventoryError(diagnostics);
  return [...models];
}

/** Policy or construct validations failed; nothing was written. */
export class SynthesisError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`synthesis stopped, nothing written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
  }
}

export interface SynthOptions {
  /** @default CDKTF_OUTDIR (set by cdktf-cli), else 'cdktf.out' */
  readonly outdir?: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly ClusterStack[];
}

/** Every problem the validations of every stack report, as `[path] message`. */
export function validateStacks(stacks: readonly TerraformStack[]): string[] {
  return stacks.flatMap((stack) =>
    stack.node.findAll().flatMap((c) => c.node.validate().map((message) => `[${c.node.path}] ${message}`)),
  );
}

/** Builds one ClusterStack per model and writes `<outdir>/stacks/<name>/cdk.tf.json`. */
export function synthesize(models: readonly ClusterModel[], options: SynthOptions = {}): SynthResult {
  const outdir = options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const created = !existsSync(outdir);
  try {
    // stackTraces off: they would put this machine's paths into the synthesized metadata.
    // skipValidation: validateStacks below already ran every validation of every stack (policy
    // included) before the first file is written; cdktf would run them again, stack by stack,
    // while writing. Stacks use no Aspects, which could add validations only during synthesis.
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    // The local state path is written for cdktf's standard layout (cdktf.out/stacks/<name>),
    // not for this outdir, so the same inventory always synthesizes the same file.
    const stacks = models.map((model) => {
      try {
        return new ClusterStack(app, model.name, { model });
      } catch (err) {
        if (err instanceof PropsError) err.message = `${model.sourceFile}: ${err.message}`;
        throw err;
      }
    });
    const problems = validateStacks(stacks);
    if (problems.length > 0) throw new SynthesisError(problems);
    app.synth();
    return { outdir, stacks };
  } catch (err) {
    // App and the stacks create directories up front; a failed run leaves no trace.
    if (created) rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
}
