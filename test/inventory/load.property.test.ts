// Property-based tests of the loader: whatever the document, the answer is a model or
// positioned problems, never a crash.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../src/inventory/load.ts';

const examples = ['inventory/example.yaml', 'inventory/install-cloud.yaml'].map((f) => readFileSync(f, 'utf8'));

function assertWellFormed(text: string): void {
  const result = parseInventory(text, 'fuzz.yaml');
  const lines = text.split('\n').length;
  if (result.model) {
    expect(result.diagnostics).toEqual([]);
    return;
  }
  expect(result.diagnostics.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.file).toBe('fuzz.yaml');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines + 1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** A mutation of an example: a line removed, duplicated, replaced (by another line of it or by text), or text spliced in. */
type Change =
  | { readonly kind: 'remove' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'replace-with-line'; readonly seed: number }
  | { readonly kind: 'replace'; readonly text: string }
  | { readonly kind: 'splice'; readonly text: string; readonly col: number };

const fragment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('  ', ':', '- ', '[', ']', '{', '}', '"', "'", '&a', '*a', '!!binary', '\t', '#', '? ', '|', '>', '0.0.0.0/0', '-1', '1e309', 'null', '~'),
);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.constant({ kind: 'remove' as const }),
  fc.constant({ kind: 'duplicate' as const }),
  fc.nat().map((seed) => ({ kind: 'replace-with-line' as const, seed })),
  fc.string({ maxLength: 40 }).map((text) => ({ kind: 'replace' as const, text })),
  fc.tuple(fragment, fc.nat()).map(([text, col]) => ({ kind: 'splice' as const, text, col })),
);
const mutation = fc.tuple(fc.constantFrom(...examples), fc.nat(), change);

function mutate(doc: string, lineSeed: number, c: Change): string {
  const lines = doc.split('\n');
  const i = lineSeed % lines.length;
  const line = lines[i]!;
  if (c.kind === 'remove') lines.splice(i, 1);
  else if (c.kind === 'duplicate') lines.splice(i, 0, line);
  else if (c.kind === 'replace-with-line') lines[i] = lines[c.seed % lines.length]!;
  else if (c.kind === 'replace') lines[i] = c.text;
  else {
    const at = c.col % (line.length + 1);
    lines[i] = line.slice(0, at) + c.text + line.slice(at);
  }
  return lines.join('\n');
}

describe('loader under random input', () => {
  it('the mutations are what they say: a duplicated line is there twice, a replaced one is gone', () => {
    const doc = 'a: 1\nb: 2\nc: 3';
    expect(mutate(doc, 1, { kind: 'duplicate' })).toBe('a: 1\nb: 2\nb: 2\nc: 3');
    expect(mutate(doc, 1, { kind: 'replace-with-line', seed: 2 })).toBe('a: 1\nc: 3\nc: 3');
    expect(mutate(doc, 4, { kind: 'replace', text: 'x' })).toBe('a: 1\nx\nc: 3');
    expect(mutate(doc, 0, { kind: 'remove' })).toBe('b: 2\nc: 3');
    expect(mutate(doc, 2, { kind: 'splice', text: '#', col: 1 })).toBe('a: 1\nb: 2\nc#: 3');
  });

  it('answers any mutation of the examples with a model or positioned problems', () => {
    fc.assert(
      fc.property(mutation, ([doc, lineSeed, c]) => assertWellFormed(mutate(doc, lineSeed, c))),
      { numRuns: 500 },
    );
  });

  it('answers arbitrary YAML-shaped values without crashing', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        assertWellFormed(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary text without crashing', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });
});
