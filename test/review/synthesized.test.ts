// The diff on what the real stacks synthesize: example.yaml against copies with one change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSyntheses, hasDifferences } from '../../src/review/stack-diff.ts';
import { synthesize } from '../../src/review/synthesize.ts';
import type { SynthesizedStacks } from '../../src/terraform/terraform-json.ts';
import { withFourthNode, withGlanceType, writeVariant } from './inventory-variants.ts';

const repo = new URL('../..', import.meta.url).pathname;
let dir: string;
let base: SynthesizedStacks;
let again: SynthesizedStacks;
let fourNodes: SynthesizedStacks;
let biggerGlance: SynthesizedStacks;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opencloud-review-test-'));
  const one = (label: string, inventory: string) => synthesize({ checkout: repo, label, inventory });
  [base, again, fourNodes, biggerGlance] = await Promise.all([
    one('example', join(repo, 'inventory/example.yaml')),
    one('example again', join(repo, 'inventory/example.yaml')),
    one('four nodes', writeVariant(dir, 'four-nodes.yaml', withFourthNode())),
    one('bigger glance', writeVariant(dir, 'bigger-glance.yaml', withGlanceType('m5.xlarge'))),
  ]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('diff of real syntheses', () => {
  it('synthesizes the one inventory asked for', () => {
    expect([...base.stacks.keys()]).toEqual(['example']);
  });

  it('finds nothing between two syntheses of one inventory', () => {
    expect(hasDifferences(diffSyntheses(base, again))).toBe(false);
  });

  it("shows exactly the new compute node's rules, and nothing else", () => {
    const [stack, ...others] = diffSyntheses(base, fourNodes).stacks;
    expect(others).toEqual([]);
    expect(stack!.settings).toEqual([]);
    expect(stack!.resources.every((r) => r.action === 'add' && r.type === 'aws_vpc_security_group_ingress_rule')).toBe(true);
    const rules = stack!.resources.flatMap((r) => r.rules.map((c) => `${c.action} ${c.text}`)).sort();
    // One all-traffic rule (IP protocol -1) on the router's group, one on the management group the router forwards to.
    expect(rules).toEqual(['add all traffic from 198.51.100.14/32', 'add all traffic from 198.51.100.14/32']);
    expect(stack!.resources.map((r) => r.name).sort()).toEqual([expect.stringMatching(/^compute-access-compute-4_all_/), expect.stringMatching(/^compute-forwarded-compute-4_all_/)]);
    expect(stack!.warnings.map((w) => [w.kind, w.subject, w.message])).toEqual([
      ['open-network', '198.51.100.14/32', 'opens to a new network 198.51.100.14/32: all traffic on example-router; all traffic on example-management'],
    ]);
  });

  it("shows a changed instance type as that one attribute's change, with its warning", () => {
    const [stack] = diffSyntheses(base, biggerGlance).stacks;
    // Besides the instance, only the ENA check of each instance type (a data source, nothing created) follows the types.
    expect(stack!.resources.filter((r) => r.type !== 'aws_ec2_instance_type').map((r) => [r.action, r.type, r.changes])).toEqual([
      ['change', 'aws_instance', [{ path: 'instance_type', before: 'm5.large', after: 'm5.xlarge' }]],
    ]);
    expect(stack!.warnings).toEqual([
      expect.objectContaining({ kind: 'restart', message: expect.stringMatching(/^aws_instance\.\S+ \(example-glance\) is stopped and restarted/) }),
    ]);
  });
});
