// `opencloud diagram <cluster>`: the cluster drawn from its inventory alone (no synthesis),
// as Mermaid for pull requests and READMEs or as a standalone SVG.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { clusterModel } from './cluster-argument.ts';
import { clusterDiagram } from '../review/cluster-diagram.ts';
import { renderMermaid } from '../review/diagram-mermaid.ts';
import { renderSvg } from '../review/diagram-svg.ts';

export const DIAGRAM_FORMATS = ['mermaid', 'svg'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

export interface DiagramOptions {
  readonly format: DiagramFormat;
  /** Write here instead of standard output. */
  readonly output?: string;
  readonly out: (text: string) => void;
  readonly inventoryDir?: string;
}

export function registerDiagram(program: Command, out: (line: string) => void): void {
  program
    .command('diagram')
    .description("draw a cluster (the guide's Figure 1) from its inventory")
    .argument('<cluster>', 'cluster name from inventory/*.yaml, or an inventory file')
    .addOption(new Option('--format <format>', 'output format').choices(DIAGRAM_FORMATS).default('mermaid'))
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action((cluster: string, opts: { format: DiagramFormat; output?: string }) => {
      process.exitCode = diagram(cluster, { format: opts.format, ...(opts.output ? { output: opts.output } : {}), out });
    });
}

export function diagram(cluster: string, opts: DiagramOptions): 0 {
  const model = clusterModel(cluster, opts.inventoryDir);
  const d = clusterDiagram(model);
  const text = opts.format === 'svg' ? renderSvg(d) : renderMermaid(d);
  if (opts.output) writeFileSync(opts.output, text.endsWith('\n') ? text : `${text}\n`);
  else opts.out(text.replace(/\n$/, ''));
  return 0;
}
