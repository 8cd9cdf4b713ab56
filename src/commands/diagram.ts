// `opencloud diagram <cluster>`: the cluster drawn from its inventory alone (no synthesis),
// as Mermaid for pull requests and READMEs or as a standalone SVG.
import { writeFileSync } from 'node:fs';
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

export function diagram(cluster: string, opts: DiagramOptions): 0 {
  const model = clusterModel(cluster, opts.inventoryDir);
  const d = clusterDiagram(model);
  const text = opts.format === 'svg' ? renderSvg(d) : renderMermaid(d);
  if (opts.output) writeFileSync(opts.output, text.endsWith('\n') ? text : `${text}\n`);
  else opts.out(text.replace(/\n$/, ''));
  return 0;
}
