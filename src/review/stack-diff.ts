// What changes between two syntheses, stack by stack and resource by resource, read from the
// Terraform JSON alone (no terraform binary, no state): the review of a pull request.
import { attributeChanges, type AttributeChange } from './flatten.ts';
import { checkoutRootOf, normalizeDocument } from './normalize.ts';
import { describeRule, isRuleAttribute, ruleKey, rulesOf, type SecurityRule } from '../terraform/security-rules.ts';
import { isObject, type JsonObject, type SynthesizedStacks, type TerraformDocument } from '../terraform/terraform-json.ts';
import { stackWarnings, type Warning } from './warnings.ts';

export type Action = 'add' | 'remove' | 'change';

export interface RuleChange {
  readonly action: 'add' | 'remove';
  readonly rule: SecurityRule;
  /** `tcp 35357 from 198.51.100.11/32`. */
  readonly text: string;
}

export interface ResourceDiff {
  /** `aws_instance.keystone`, or `data.aws_ami.ubuntu` for a data source. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: 'resource' | 'data';
  readonly action: Action;
  /** Attributes other than the rules, flattened to paths. */
  readonly changes: readonly AttributeChange[];
  readonly rules: readonly RuleChange[];
}

export interface StackDiff {
  readonly name: string;
  readonly action: Action | 'unchanged';
  readonly resources: readonly ResourceDiff[];
  /** Changes outside resources: provider, backend, outputs. Empty for added or removed stacks. */
  readonly settings: readonly AttributeChange[];
  readonly warnings: readonly Warning[];
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  readonly stacks: readonly StackDiff[];
  readonly notes: readonly string[];
}

export function diffSyntheses(base: SynthesizedStacks, head: SynthesizedStacks): DiffReport {
  const names = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const stacks = names.map((name) => {
    const before = base.stacks.get(name);
    const after = head.stacks.get(name);
    return diffStack(name, before, after);
  });
  return { base: base.label, head: head.label, stacks, notes: [...base.notes, ...head.notes] };
}

const clean = (doc: TerraformDocument, name: string) => normalizeDocument(doc, checkoutRootOf(doc, name));

/** One stack's differences; `undefined` stands for a stack absent on that side. */
export function diffStack(name: string, rawBefore: TerraformDocument | undefined, rawAfter: TerraformDocument | undefined): StackDiff {
  const before = rawBefore && clean(rawBefore, name);
  const after = rawAfter && clean(rawAfter, name);
  const resources = [...diffBlocks('resource', before, after), ...diffBlocks('data', before, after)];
  const settings = before && after ? diffSettings(before, after) : [];
  const action = !before ? 'add' : !after ? 'remove' : resources.length > 0 || settings.length > 0 ? 'change' : 'unchanged';
  const diff = { name, action, resources, settings, warnings: [] } as const;
  return { ...diff, warnings: stackWarnings(diff, before ?? {}, after ?? {}) };
}

function diffBlocks(mode: 'resource' | 'data', before: TerraformDocument | undefined, after: TerraformDocument | undefined): ResourceDiff[] {
  const a = blocksOf(before, mode);
  const b = blocksOf(after, mode);
  const addresses = [...new Set([...a.keys(), ...b.keys()])].sort();
  const diffs: ResourceDiff[] = [];
  for (const key of addresses) {
    const [type, name] = key.split('\u0000') as [string, string];
    const x = a.get(key);
    const y = b.get(key);
    const changes = attributeChanges(x, y, (path) => isRuleAttribute(type, path));
    const rules = diffRules(x ? rulesOf(type, name, x, before!) : [], y ? rulesOf(type, name, y, after!) : []);
    if (x && y && changes.length === 0 && rules.length === 0) continue;
    const action: Action = !x ? 'add' : !y ? 'remove' : 'change';
    diffs.push({ address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, type, name, mode, action, changes, rules });
  }
  return diffs;
}

/** `type\0name -> body` for every block of a mode. */
function blocksOf(doc: TerraformDocument | undefined, mode: 'resource' | 'data'): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const byType = doc?.[mode];
  if (!isObject(byType)) return out;
  for (const [type, byName] of Object.entries(byType)) {
    if (!isObject(byName)) continue;
    for (const [name, body] of Object.entries(byName)) if (isObject(body)) out.set(`${type}\u0000${name}`, body);
  }
  return out;
}

/** Rules compared as sets: one rule more in a list of twenty is one line, not twenty shifted indexes. */
function diffRules(before: readonly SecurityRule[], after: readonly SecurityRule[]): RuleChange[] {
  const a = new Map(before.map((r) => [ruleKey(r), r]));
  const b = new Map(after.map((r) => [ruleKey(r), r]));
  const removed = [...a].filter(([k]) => !b.has(k)).map(([, rule]): RuleChange => ({ action: 'remove', rule, text: describeRule(rule) }));
  const added = [...b].filter(([k]) => !a.has(k)).map(([, rule]): RuleChange => ({ action: 'add', rule, text: describeRule(rule) }));
  return [...removed, ...added];
}

/** Everything but resources and data sources (provider, terraform, output, ...), as paths. */
function diffSettings(before: TerraformDocument, after: TerraformDocument): AttributeChange[] {
  const rest = (doc: TerraformDocument) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'resource' && k !== 'data'));
  return attributeChanges(rest(before), rest(after));
}

/** Counts for the summary. */
export function countActions(stack: StackDiff): Record<Action, number> {
  const counts = { add: 0, remove: 0, change: 0 };
  for (const r of stack.resources) counts[r.action]++;
  return counts;
}

export const hasDifferences = (report: DiffReport) => report.stacks.some((s) => s.action !== 'unchanged');
