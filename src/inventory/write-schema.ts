// `npm run schema`: regenerates inventory/schema.json from the zod schema.
import { writeFileSync } from 'node:fs';
import { inventoryJsonSchema } from './json-schema.ts';

const target = new URL('../../inventory/schema.json', import.meta.url);
writeFileSync(target, inventoryJsonSchema());
process.stdout.write(`wrote ${target.pathname}\n`);
