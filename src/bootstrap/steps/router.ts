// `router`: the Juju/router VM forwards between the public side and the management network. IP
// forwarding on (persisted in /etc/sysctl.d and applied), and the ruleset of router/ruleset.ts:
// the port forwards for the client networks, the compute ports and GRE for each compute node's
// /32, the Juju API on the router itself for the nodes only (anything else from a node to the
// router dropped), masquerading of the management network's outbound traffic. Our chains are rebuilt in one
// `iptables-restore --noflush` transaction whenever `iptables-save` shows them differing.
//
// Not persisted across a reboot of the router: a bootstrap run restores the ruleset (check finds
// the chains missing). Installing iptables-persistent would save every table, other tools' too.
import { isManaged } from '../../remote/router/controller-addresses.ts';
import { desiredRuleset } from '../../remote/router/desired-ruleset.ts';
import type { RouterInterfaces } from '../../remote/router/interfaces.ts';
import { ROUTER_PACKAGES, installPackages, missingPackages } from '../../remote/facts/packages.ts';
import { applySysctlFile, staleSysctls, sysctlFileContent, type SysctlFile } from '../../remote/facts/sysctl.ts';
import { compareRuleset, restoreInput } from '../../remote/router/ruleset-sync.ts';
import { readRouterInterfaces, readSavedTables } from '../../remote/router/router-facts.ts';
import type { Step } from '../step.ts';

export const FORWARDING_SYSCTL_FILE: SysctlFile = {
  path: '/etc/sysctl.d/60-opencloud-router.conf',
  comment: 'opencloud-provisioner (step router): the Juju/router VM routes between the public and the management network.',
  settings: { 'net.ipv4.ip_forward': '1' },
};

interface RouterPlan {
  readonly packages: readonly string[];
  readonly sysctlFile: boolean;
  readonly sysctlRuntime: boolean;
  readonly rules: boolean;
}

export const routerStep: Step<RouterPlan> = {
  id: 'router',
  title: 'Juju/router VM: IP forwarding, port forwards, compute-node access, masquerading',
  hosts: (host, cluster) => isManaged(cluster) && host.roles.includes('router'),
  // Every apply leaves the same state (an atomic file, a sysctl, a transaction): safe to repeat.
  retrySafe: true,
  async check(ctx) {
    const packages = await missingPackages(ctx.host, ROUTER_PACKAGES);
    const sysctlFile = (await ctx.host.readFile(FORWARDING_SYSCTL_FILE.path)) !== sysctlFileContent(FORWARDING_SYSCTL_FILE);
    const sysctlRuntime = (await staleSysctls(ctx.host, FORWARDING_SYSCTL_FILE)).length > 0;
    let diffs: string[];
    let interfaces: RouterInterfaces | undefined;
    if (packages.length > 0) {
      diffs = ['iptables tools missing'];
    } else {
      interfaces = await readRouterInterfaces(ctx.host, ctx.cluster);
      diffs = compareRuleset(desiredRuleset(ctx.cluster, interfaces), await readSavedTables(ctx.host));
    }
    const plan: RouterPlan = { packages, sysctlFile, sysctlRuntime, rules: diffs.length > 0 };
    const where = interfaces ? ` (public ${interfaces.public} by ${interfaces.publicFoundBy}, management ${interfaces.management})` : '';
    const todo = [
      ...(packages.length ? [`install ${packages.join(', ')}`] : []),
      ...(sysctlFile ? [`write ${FORWARDING_SYSCTL_FILE.path}`] : []),
      ...(sysctlRuntime ? ['turn IP forwarding on'] : []),
      ...(plan.rules ? [`rebuild the OPENCLOUD-* chains${where}: ${diffs.join('; ')}`] : []),
    ];
    if (todo.length === 0) return { needed: false, description: `forwarding on, ruleset up to date${where}` };
    return { needed: true, description: todo.join('; '), plan };
  },
  async apply(ctx, plan) {
    await installPackages(ctx.host, plan.packages);
    if (plan.sysctlFile) await ctx.host.writeFile(FORWARDING_SYSCTL_FILE.path, sysctlFileContent(FORWARDING_SYSCTL_FILE), { mode: 0o644, owner: 'root:root' });
    if (plan.sysctlFile || plan.sysctlRuntime) await applySysctlFile(ctx.host, FORWARDING_SYSCTL_FILE);
    if (!plan.rules) return;
    const interfaces = await readRouterInterfaces(ctx.host, ctx.cluster);
    const desired = desiredRuleset(ctx.cluster, interfaces);
    // From what iptables shows right now, not at check time: the restore deletes exactly the
    // duplicate jumps and stale chains that exist.
    const input = restoreInput(desired, await readSavedTables(ctx.host));
    await ctx.host.run(['iptables-restore', '--noflush'], { sudo: true, stdin: input });
    if (ctx.dryRun) return;
    const left = compareRuleset(desired, await readSavedTables(ctx.host));
    if (left.length > 0) throw new Error(`iptables still differs after iptables-restore (is this iptables printing rules in another form?): ${left.join('; ')}`);
    ctx.log(`${desired.filter.rules.length + desired.nat.rules.length} rules in our chains`);
  },
};
