import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inventoryJsonSchema } from '../../src/inventory/json-schema.ts';
import { inventoryFiles } from '../../src/inventory/load.ts';

describe('inventory/schema.json', () => {
  it('is what `npm run schema` generates from the zod schema (run it after changing the schema)', () => {
    expect(readFileSync('inventory/schema.json', 'utf8')).toBe(inventoryJsonSchema());
  });

  it('is strict, as the loader is: unknown keys are refused by editors too', () => {
    const schema = JSON.parse(inventoryJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'region', 'controller']));
  });

  it('is named by the yaml-language-server modeline of every example inventory', () => {
    for (const file of inventoryFiles()) {
      expect(readFileSync(file, 'utf8').split('\n')[0], file).toBe('# yaml-language-server: $schema=./schema.json');
    }
  });
});
