// A few lines per synthesized stack: what it would create, read from its cdk.tf.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StackSummary {
  readonly name: string;
  readonly file: string;
  /** Resource type -> count, sorted by type. */
  readonly resources: Readonly<Record<string, number>>;
  /** Data source type -> count, sorted by type. */
  readonly dataSources: Readonly<Record<string, number>>;
  readonly outputs: readonly string[];
  readonly backend: string;
}

interface TfJson {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  output?: Record<string, unknown>;
  terraform?: { backend?: Record<string, unknown> };
}

const counts = (blocks: Record<string, Record<string, unknown>> = {}) =>
  Object.fromEntries(Object.keys(blocks).sort().map((type) => [type, Object.keys(blocks[type] ?? {}).length]));

export function summarizeJson(name: string, file: string, json: TfJson): StackSummary {
  return {
    name,
    file,
    resources: counts(json.resource),
    dataSources: counts(json.data),
    outputs: Object.keys(json.output ?? {}).sort(),
    backend: Object.keys(json.terraform?.backend ?? {})[0] ?? 'local',
  };
}

export function summarizeStack(outdir: string, name: string): StackSummary {
  const file = join(outdir, 'stacks', name, 'cdk.tf.json');
  return summarizeJson(name, file, JSON.parse(readFileSync(file, 'utf8')) as TfJson);
}

const total = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);

export function formatSummary(s: StackSummary): string[] {
  const list = (r: Readonly<Record<string, number>>) => Object.entries(r).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
  return [
    `${s.name}: ${total(s.resources)} resources, ${total(s.dataSources)} data sources, ${s.backend} state -> ${s.file}`,
    `  resources: ${list(s.resources)}`,
    `  data: ${list(s.dataSources)}`,
    `  outputs: ${s.outputs.join(', ') || 'none'}`,
  ];
}
