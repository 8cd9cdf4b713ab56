// `opencloud diagram <cluster>`: the cluster drawn from its inventory alone (no synthesis),
// as Mermaid for pull requests and READMEs or as a standalone SVG.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { inventoryFiles, loadInventory, loadModel } from '../inventory/load.ts';
import type { ClusterModel } from '../inventory/model.ts';
import { clusterDiagram } from '../review/cluster-diagram.ts';
import { renderMermaid } from '../review/diagram-mermaid.ts';
import { renderSvg } from '../review/diagram-svg.ts';
import { ReviewError } from '../review/review-error.ts';

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
  const model = findCluster(cluster, opts.inventoryDir);
  const d = clusterDiagram(model);
  const text = opts.format === 'svg' ? renderSvg(d) : renderMermaid(d);
  if (opts.output) writeFileSync(opts.output, text.endsWith('\n') ? text : `${text}\n`);
  else opts.out(text.replace(/\n$/, ''));
  return 0;
}

/** A path to an inventory, or the name of a cluster (its `name`, or its file's) in inventory/. */
export function findCluster(cluster: string, dir = 'inventory'): ClusterModel {
  if (existsSync(cluster) && statSync(cluster).isFile()) return loadModel(cluster);
  const files = existsSync(dir) ? inventoryFiles(dir) : [];
  const byFile = files.find((f) => basename(f).replace(/\.ya?ml$/, '') === cluster);
  if (byFile) return loadModel(byFile);
  const names: string[] = [];
  for (const file of files) {
    const model = loadInventory(file).model;
    if (model?.name === cluster) return model;
    if (model) names.push(model.name);
  }
  throw new ReviewError(`no cluster "${cluster}" in ${dir}/${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}, and no such file`, 2);
}
