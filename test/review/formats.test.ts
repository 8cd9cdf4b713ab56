import { describe, expect, it } from 'vitest';
import { formatDiffJson } from '../../src/review/format-json.ts';
import { COMMENT_MARKER, formatDiffMarkdown } from '../../src/review/format-markdown.ts';
import { formatDiffText } from '../../src/review/format-text.ts';
import { diffSyntheses } from '../../src/review/stack-diff.ts';
import type { SynthesizedStacks, TerraformDocument } from '../../src/terraform/terraform-json.ts';
import { EXAMPLE, fakeStack } from './fake-stack.ts';

const side = (label: string, ...docs: [string, TerraformDocument][]): SynthesizedStacks => ({ label, stacks: new Map(docs), notes: [] });
const more = { ...EXAMPLE, nodes: [...EXAMPLE.nodes, { name: 'compute-4', publicIp: '198.51.100.14' }], glanceType: 'm5.large' };
// Built inside each test: code run at module level counts for no test in mutation testing.
const report = () =>
  diffSyntheses(
    side('origin/main (abc)', ['example', fakeStack(EXAMPLE)], ['quiet', fakeStack({ ...EXAMPLE, name: 'quiet' })]),
    side('working tree', ['example', fakeStack(more)], ['quiet', fakeStack({ ...EXAMPLE, name: 'quiet' })]),
  );

describe('markdown', () => {
  it('is a pull-request comment: marker, warnings, a summary table, a table per stack, details folded', () => {
    const md = formatDiffMarkdown(report());
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain('> [!WARNING]');
    expect(md).toContain('> - **example**: opens to a new network 198.51.100.14/32: gre, tcp 5672, tcp 35357 on example-router');
    expect(md).toContain('> - **example**: aws_instance.glance (example-glance) is stopped and restarted to change its type');
    expect(md).toContain('| `example` | 3 | 1 | 0 | 2 |');
    expect(md).toContain('| `quiet` (no changes) | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| + | `aws_vpc_security_group_ingress_rule.compute-compute-4_gre` | gre from 198.51.100.14/32 |');
    expect(md).toContain('| ~ | `aws_instance.glance` | instance_type |');
    expect(md).toMatch(/<details><summary>Details of example<\/summary>\n\n```diff\n/);
    expect(md).toContain('!   instance_type: "t3.medium" -> "m5.large"');
    expect(md).not.toContain('### `quiet`');
  });

  it('says so when nothing changed', () => {
    const same = diffSyntheses(side('a', ['example', fakeStack(EXAMPLE)]), side('b', ['example', fakeStack(EXAMPLE)]));
    expect(formatDiffMarkdown(same)).toContain('No differences in 1 stack.');
  });

  it('leaves the details out rather than exceed the comment size limit', () => {
    const many = { ...EXAMPLE, nodes: Array.from({ length: 400 }, (_, i) => ({ name: `n${i}`, publicIp: `10.0.${i >> 8}.${i & 255}` })) };
    const big = formatDiffMarkdown(diffSyntheses(side('a'), side('b', ['example', fakeStack(many)])));
    expect(big.length).toBeLessThan(65_536);
    expect(big).toContain('Details left out');
  });
});

describe('text', () => {
  it('lists warnings, then each stack with + - ~ lines', () => {
    const text = formatDiffText(report());
    expect(text.split('\n').slice(0, 3)).toEqual([
      'opencloud diff: origin/main (abc) -> working tree',
      'WARNING example: aws_instance.glance (example-glance) is stopped and restarted to change its type: instance_type "t3.medium" -> "m5.large"',
      'WARNING example: opens to a new network 198.51.100.14/32: gre, tcp 5672, tcp 35357 on example-router',
    ]);
    expect(text).toContain(
      [
        'stack example: 3 added, 1 changed, 0 removed',
        '  ~ aws_instance.glance',
        '      ~ instance_type: "t3.medium" -> "m5.large"',
        '  + aws_vpc_security_group_ingress_rule.compute-compute-4_gre',
        '      + gre from 198.51.100.14/32 (GRE from compute node compute-4)',
      ].join('\n'),
    );
    expect(text).toContain('stack quiet: no changes');
  });
});

describe('json', () => {
  it('carries everything, with counts and all warnings at the top', () => {
    const json = JSON.parse(formatDiffJson(report()));
    expect(json.differences).toBe(true);
    expect(json.warnings.map((w: { kind: string }) => w.kind)).toEqual(['restart', 'open-network']);
    expect(json.stacks[0].counts).toEqual({ add: 3, remove: 0, change: 1 });
    expect(json.stacks[0].resources[1].rules[0]).toMatchObject({ action: 'add', text: 'gre from 198.51.100.14/32', rule: { protocol: 'gre', peer: '198.51.100.14/32' } });
    expect(json.stacks[1]).toMatchObject({ name: 'quiet', action: 'unchanged' });
  });
});
