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

/** A mutation of an example: a line replaced, removed, duplicated, or characters spliced in. */
const mutation = fc.tuple(
  fc.constantFrom(...examples),
  fc.nat(),
  fc.oneof(
    fc.constant<null>(null),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('  ', ':', '- ', '[', ']', '{', '}', '"', "'", '&a', '*a', '!!binary', '\t', '#', '? ', '|', '>', '0.0.0.0/0', '-1', '1e309', 'null', '~'),
  ),
  fc.nat(),
);

describe('loader under random input', () => {
  it('answers any mutation of the examples with a model or positioned problems', () => {
    fc.assert(
      fc.property(mutation, ([doc, lineSeed, change, colSeed]) => {
        const lines = doc.split('\n');
        const i = lineSeed % lines.length;
        if (change === null) lines.splice(i, 1);
        else {
          const line = lines[i] ?? '';
          const at = colSeed % (line.length + 1);
          lines[i] = line.slice(0, at) + change + line.slice(at);
        }
        assertWellFormed(lines.join('\n'));
      }),
      { numRuns: 400 },
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
