// `preflight`: a compute node's real hardware against the minimums and its declared hardware
// (the guide's physical server prerequisites). Only reads; a node that falls short fails with
// every reason at once, so nothing is built on a server that cannot carry it.
import { readHardwareFacts } from '../../remote/facts/hardware.ts';
import { formatPreflightTable, judgeNode } from '../../remote/facts/preflight-check.ts';
import type { Step } from '../step.ts';

export class PreflightError extends Error {
  constructor(node: string, readonly reasons: readonly string[]) {
    super(`${node} does not meet the requirements: ${reasons.join('; ')}`);
    this.name = 'PreflightError';
  }
}

export const preflightStep: Step<never> = {
  id: 'preflight',
  title: 'hardware and OS against the minimums and the inventory',
  hosts: 'compute',
  async check(ctx) {
    const node = ctx.host.host.computeNode;
    if (!node) throw new Error(`${ctx.host.host.name} is not a compute node of the inventory`);
    const model = ctx.cluster.model;
    const facts = await readHardwareFacts(ctx.host);
    const verdict = judgeNode(node, model.minimums, { series: model.ubuntuSeries, release: model.ubuntuRelease }, facts);
    // One message, so the tables of nodes checked at once never interleave.
    ctx.log(formatPreflightTable(node.name, verdict).join('\n'));
    if (verdict.reasons.length > 0) throw new PreflightError(node.name, verdict.reasons);
    return {
      needed: false,
      description: `${facts.cpuCores} cores ${facts.arch}, ${facts.memoryGiB.toFixed(1)} GiB, ${facts.diskTiB.toFixed(2)} TiB, ${facts.nics.length} NIC(s), ${facts.os.prettyName}`,
    };
  },
  async apply() {
    // check never asks for a change.
  },
};
