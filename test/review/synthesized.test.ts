// The diff on what the real stacks synthesize: example.yaml against copies with one change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPUTE_NODE_PORTS } from '../../src/inventory/reference.ts';
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
    // Each rule twice: on the router's group, and on the management group the router forwards to.
    const once = COMPUTE_NODE_PORTS.map((p) => `add ${p.protocol === 'gre' ? 'gre' : `tcp ${p.port}`} from 198.51.100.14/32`);
    expect(rules).toEqual([...once, ...once].sort());
    expect(stack!.warnings.map((w) => [w.kind, w.subject])).toEqual([['open-network', '198.51.100.14/32']]);
  });

  it("shows a changed instance type as that one attribute's change, with its warning", () => {
    const [stack] = diffSyntheses(base, biggerGlance).stacks;
    expect(stack!.resources.map((r) => [r.action, r.type, r.changes])).toEqual([
      ['change', 'aws_instance', [{ path: 'instance_type', before: 'm5.large', after: 'm5.xlarge' }]],
    ]);
    expect(stack!.warnings).toEqual([
      expect.objectContaining({ kind: 'restart', message: expect.stringMatching(/^aws_instance\.\S+ \(example-glance\) is stopped and restarted/) }),
    ]);
  });
});
