// The JSON Schema of the inventory, for editors (yaml-language-server) and other tools.
import { z } from 'zod';
import { InventorySchema } from './schema.ts';

export function inventoryJsonSchema(): string {
  const schema = z.toJSONSchema(InventorySchema, { io: 'input', unrepresentable: 'any' });
  const described = {
    ...schema,
    $id: 'https://opencloud-provisioner/inventory/schema.json',
    title: 'opencloud-provisioner inventory, format version 1',
  };
  return `${JSON.stringify(described, null, 2)}\n`;
}
