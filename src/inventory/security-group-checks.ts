// What AWS would refuse mid-apply about the security groups, found at validate instead: a group
// with more inbound rules than the quota, an interface with more groups than the quota, and two
// identical rules in one group (InvalidPermission.Duplicate). Counted on the rules the stack
// creates (security-group-rules.ts), never on a second reckoning of them.
import type { ClusterModel } from './model.ts';
import type { Problem } from './rules.ts';
import { AWS_MAX_RULES_PER_INTERFACE } from './reference.ts';
import { interfaceGroups, ruleCount, securityGroupRules, type GroupRules, type PlannedRule, type RuleSource } from './security-group-rules.ts';

export function checkSecurityGroups(model: ClusterModel): Problem[] {
  const groups = securityGroupRules(model);
  return [...duplicateProblems(groups), ...quotaProblems(model, groups)];
}

const SOURCE_NAMES: Readonly<Record<RuleSource, [string, string]>> = {
  client: ['client rule', 'client rules'],
  management: ['management network rule', 'management network rules'],
  vpc: ['VPC rule', 'VPC rules'],
  router: ['router rule', 'router rules'],
  node: ['compute node rule', 'compute node rules'],
};

/** `9 client rules + 66 compute nodes`: what the count is made of. */
function breakdown(g: GroupRules): string {
  const counts = new Map<RuleSource, number>();
  for (const r of g.shared) counts.set(r.source, (counts.get(r.source) ?? 0) + 1);
  const parts = [...counts].map(([source, n]) => `${n} ${SOURCE_NAMES[source][n === 1 ? 0 : 1]}`);
  const nodeRules = g.nodes.reduce((n, e) => n + e.rules.length, 0);
  if (g.nodes.length > 0) {
    const perNode = nodeRules === g.nodes.length ? '' : ` (${nodeRules} rules)`;
    parts.push(`${g.nodes.length} compute node${g.nodes.length === 1 ? '' : 's'}${perNode}`);
  }
  return parts.join(' + ') || 'none';
}

function quotaProblems(model: ClusterModel, groups: readonly GroupRules[]): Problem[] {
  const { rulesPerSecurityGroup: quota, securityGroupsPerInterface: groupQuota } = model.quotas;
  const problems: Problem[] = [];
  const raise = `raise 'Inbound or outbound rules per security group' in Service Quotas (Amazon VPC), or set quotas.rulesPerSecurityGroup if it is already raised`;
  for (const g of groups) {
    const n = ruleCount(g);
    if (n <= quota) continue;
    problems.push({
      path: g.path,
      message: g.foreign
        ? `this stack adds ${n} inbound rules to ${g.title} (${breakdown(g)}), on top of the rules the group already has; the quota is ${quota} rules per group: ${raise}`
        : `${g.title} needs ${n} inbound rules (${breakdown(g)}); the quota is ${quota} rules per group: ${raise}`,
    });
  }
  for (const i of interfaceGroups(model)) {
    if (i.groups.length > groupQuota) {
      problems.push({
        path: ['controller'],
        message: `${i.title} needs ${i.groups.length} security groups; the quota is ${groupQuota} per interface: raise 'Security groups per network interface' in Service Quotas, or set quotas.securityGroupsPerInterface`,
      });
    }
  }
  // AWS grants a raise of either only while rules x groups stays within 1,000.
  if (quota * groupQuota > AWS_MAX_RULES_PER_INTERFACE) {
    problems.push({
      path: ['quotas'],
      message: `rulesPerSecurityGroup x securityGroupsPerInterface is ${quota * groupQuota}; AWS allows at most ${AWS_MAX_RULES_PER_INTERFACE} (it lowers one quota when the other is raised)`,
    });
  }
  return problems;
}

/** `tcp 5000 from 10.0.0.0/8`. */
const ruleText = (r: PlannedRule) => `${r.protocol === 'all' ? 'all traffic' : r.protocol}${r.port === undefined ? '' : ` ${r.port}`} from ${r.cidr}`;

const pathText = (path: readonly (string | number)[]) =>
  path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');

/**
 * Two rules of one group alike in protocol, ports and source: AWS refuses the second
 * (InvalidPermission.Duplicate) after the first is made. One problem per pair of inventory values.
 */
function duplicateProblems(groups: readonly GroupRules[]): Problem[] {
  // Pair of inventory values -> the rules they both give, so two equal client networks read as one problem.
  const pairs = new Map<string, { path: PlannedRule['path']; other: string; rules: string[] }>();
  for (const g of groups) {
    const first = new Map<string, PlannedRule>();
    for (const r of [...g.shared, ...g.nodes.flatMap((e) => e.rules)]) {
      const key = `${r.protocol}|${r.port ?? ''}|${r.cidr}`;
      const seen = first.get(key);
      if (!seen) {
        first.set(key, r);
        continue;
      }
      const other = pathText(seen.path);
      const pair = pairs.get(`${pathText(r.path)}|${other}`) ?? { path: r.path, other, rules: [] };
      pair.rules.push(`${ruleText(r)} in ${g.title}`);
      pairs.set(`${pathText(r.path)}|${other}`, pair);
    }
  }
  const SHOWN = 3;
  return [...pairs.values()].map(({ path, other, rules }) => ({
    path,
    message: `repeats ${other}: the rule${rules.length === 1 ? '' : 's'} ${rules.slice(0, SHOWN).join('; ')}${rules.length > SHOWN ? ` and ${rules.length - SHOWN} more` : ''} would be made twice, and AWS refuses duplicate rules (InvalidPermission.Duplicate); remove one`,
  }));
}

/** A problem of one of several inventories read together. */
export interface ModelProblem extends Problem {
  /** Index of the model at fault in the list given. */
  readonly model: number;
}

/**
 * Rules several inventories add to one existing controller's group (clusters sharing an Install
 * Cloud): one node in two inventories would make the same rule twice, and the quota counts them
 * all. The stack's own groups are per cluster and never shared.
 */
export function checkSharedGroups(models: readonly ClusterModel[]): ModelProblem[] {
  const problems: ModelProblem[] = [];
  // region|group name -> the rules already added, and their count so far.
  const shared = new Map<string, { rules: Map<string, string>; count: number; clusters: string[] }>();
  models.forEach((model, m) => {
    for (const g of securityGroupRules(model)) {
      if (!g.foreign) continue;
      const c = model.controller;
      const name = c.kind === 'existing' ? (g.role === 'gre' ? c.greSecurityGroup : c.keystoneSecurityGroup) : g.title;
      const key = `${model.region}|${name}`;
      const entry = shared.get(key) ?? { rules: new Map<string, string>(), count: 0, clusters: [] };
      for (const r of g.nodes.flatMap((e) => e.rules)) {
        const other = entry.rules.get(`${r.protocol}|${r.port ?? ''}|${r.cidr}`);
        if (other) {
          problems.push({
            model: m,
            path: r.path,
            message: `${other} already adds ${ruleText(r)} to ${g.title}; AWS refuses the same rule from a second stack (InvalidPermission.Duplicate): list the node in one inventory only`,
          });
        } else {
          entry.rules.set(`${r.protocol}|${r.port ?? ''}|${r.cidr}`, `cluster ${model.name} (${model.sourceFile})`);
        }
      }
      const before = entry.count;
      entry.count += ruleCount(g);
      entry.clusters.push(model.name);
      shared.set(key, entry);
      const quota = model.quotas.rulesPerSecurityGroup;
      if (before > 0 && entry.count > quota) {
        problems.push({
          model: m,
          path: g.path,
          message: `the stacks of clusters ${entry.clusters.join(', ')} add ${entry.count} inbound rules to ${g.title} together, on top of the rules the group already has; the quota is ${quota} rules per group: raise 'Inbound or outbound rules per security group' in Service Quotas (Amazon VPC), or set quotas.rulesPerSecurityGroup`,
        });
      }
    }
  });
  return problems;
}
