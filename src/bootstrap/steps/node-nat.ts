// `node-nat`: on a managed controller, each compute node's traffic for the management addresses the
// charms advertise (compute ports, GRE to the gateway, the Juju API at the router's management
// address) goes to the router's public address (router/node-ruleset.ts), where the router's
// forwards take it on. Before juju-machine: the node's Juju agent dials the API as soon as it is
// added. The chain is compared with `iptables-save` as text and rebuilt in one
// `iptables-restore --noflush` transaction when it differs; its script and boot job
// (router/node-boot.ts) bring it back after a reboot (compute-config may reboot the node).
import { ROUTER_PACKAGES, installPackages, missingPackages } from '../../remote/facts/packages.ts';
import type { HostSession } from '../../remote/host.ts';
import { isManaged } from '../../remote/router/controller-addresses.ts';
import { desiredNodeRuleset } from '../../remote/router/desired-node-ruleset.ts';
import { nodeBoot, type NodeBoot } from '../../remote/router/node-boot.ts';
import { destinationCount, nodeRulesetScript } from '../../remote/router/node-ruleset.ts';
import { readSavedTables } from '../../remote/router/router-facts.ts';
import { compareRuleset, restoreInput } from '../../remote/router/ruleset-sync.ts';
import type { Ruleset } from '../../remote/router/ruleset.ts';
import type { Step, StepContext } from '../step.ts';

const IPTABLES = ROUTER_PACKAGES.filter((p) => p.name === 'iptables');

interface NodeNatPlan {
  readonly packages: readonly string[];
  /** Boot files whose content or mode differs, and links that are missing or wrong. */
  readonly files: readonly string[];
  readonly links: readonly string[];
  readonly rules: boolean;
}

function desired(ctx: StepContext): { ruleset: Ruleset; boot: NodeBoot } {
  const ruleset = desiredNodeRuleset(ctx.cluster);
  const script = nodeRulesetScript(ruleset, `Written by opencloud-provisioner (step node-nat), cluster ${ctx.cluster.model.name}.\nRun at boot: traffic for the management network goes to the router.`);
  return { ruleset, boot: nodeBoot(ctx.cluster.model.ubuntuSeries, script) };
}

async function staleBootFiles(host: HostSession, boot: NodeBoot): Promise<{ files: string[]; links: string[] }> {
  const files: string[] = [];
  for (const f of boot.files) {
    const [content, info] = await Promise.all([host.readFile(f.path), host.stat(f.path)]);
    if (content !== f.content || info?.mode !== f.mode) files.push(f.path);
  }
  const links: string[] = [];
  for (const l of boot.links) {
    const r = await host.exec(['readlink', '--', l.path], { readOnly: true });
    if (r.code !== 0 || r.stdout.trim() !== l.target) links.push(l.path);
  }
  return { files, links };
}

export const nodeNatStep: Step<NodeNatPlan> = {
  id: 'node-nat',
  title: 'Compute node: traffic for the management network goes to the router (managed controller)',
  hosts: (host, cluster) => isManaged(cluster) && host.roles.includes('compute'),
  // Atomic file writes and one restore transaction from what iptables shows: safe to repeat.
  retrySafe: true,
  async check(ctx) {
    const { ruleset, boot } = desired(ctx);
    const packages = await missingPackages(ctx.host, IPTABLES);
    const diffs = packages.length > 0 ? ['iptables tools missing'] : compareRuleset(ruleset, await readSavedTables(ctx.host));
    const { files, links } = await staleBootFiles(ctx.host, boot);
    const plan: NodeNatPlan = { packages, files, links, rules: diffs.length > 0 };
    const todo = [
      ...(packages.length ? [`install ${packages.join(', ')}`] : []),
      ...(plan.rules ? [`rebuild the node chain: ${diffs.join('; ')}`] : []),
      ...files.map((f) => `write ${f}`),
      ...links.map((l) => `link ${l}`),
    ];
    const summary = `${destinationCount(ruleset)} destinations via the router`;
    if (todo.length === 0) return { needed: false, description: `chain up to date, restored at boot (${summary})` };
    return { needed: true, description: `${todo.join('; ')} (${summary})`, plan };
  },
  async apply(ctx, plan) {
    const { ruleset, boot } = desired(ctx);
    await installPackages(ctx.host, plan.packages);
    for (const f of boot.files.filter((b) => plan.files.includes(b.path))) {
      await ctx.host.writeFile(f.path, f.content, { mode: f.mode, owner: 'root:root' });
      // An existing file keeps its mode through writeFile.
      await ctx.host.run(['chmod', f.mode.toString(8), '--', f.path], { sudo: true });
    }
    for (const l of boot.links.filter((b) => plan.links.includes(b.path))) {
      await ctx.host.run({ script: 'mkdir -p -- "$(dirname -- "$2")" && ln -sfn -- "$1" "$2"', args: [l.target, l.path] }, { sudo: true });
    }
    if (!plan.rules) return;
    // From what iptables shows right now: the restore deletes exactly the duplicates that exist.
    await ctx.host.run(['iptables-restore', '--noflush'], { sudo: true, stdin: restoreInput(ruleset, await readSavedTables(ctx.host)) });
    if (ctx.dryRun) return;
    const left = compareRuleset(ruleset, await readSavedTables(ctx.host));
    if (left.length > 0) throw new Error(`iptables still differs after iptables-restore: ${left.join('; ')}`);
  },
};
