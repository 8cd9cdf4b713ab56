// What a section of BENCHMARKS.md is. A new benchmark (validation of many inventories, the lab
// bootstrap, ...) is one more BenchSection, added to the list in run.ts.

export interface BenchContext {
  /** Measured runs per case (after any warm-up). */
  readonly runs: number;
  /** Progress lines for the terminal, not for the report. */
  readonly log: (line: string) => void;
}

export interface SectionResult {
  /** The section's body in markdown (its heading is added by run.ts). */
  readonly markdown: string;
  /** False when a goal of the section was missed; `npm run bench` then exits 1. */
  readonly ok: boolean;
}

export interface BenchSection {
  /** Short name, for `npm run bench -- --only ID`. */
  readonly id: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
