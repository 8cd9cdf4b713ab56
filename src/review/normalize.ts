// What cdktf writes that is not infrastructure: `//` metadata (construct paths, versions) and
// the absolute path of the checkout it ran in (the default local backend's state file).
// Both would make two syntheses of the same inventory differ.
import { isObject, type JsonValue, type TerraformDocument } from '../terraform/terraform-json.ts';

/** Where the synthesizing checkout stood; replaced by this in every string. */
export const ROOT_PLACEHOLDER = '<checkout>';

export function normalizeDocument(doc: TerraformDocument, checkoutRoot?: string): TerraformDocument {
  return normalize(doc, checkoutRoot) as TerraformDocument;
}

function normalize(value: JsonValue, root: string | undefined): JsonValue {
  if (typeof value === 'string') return root ? value.split(root).join(ROOT_PLACEHOLDER) : value;
  if (Array.isArray(value)) return value.map((v) => normalize(v, root));
  if (isObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [key, v] of Object.entries(value)) if (key !== '//') out[key] = normalize(v, root);
    return out;
  }
  return value;
}

/**
 * The checkout a document was synthesized in, read from cdktf's default local backend
 * (`<cwd>/terraform.<stack>.tfstate`): a directory of cdk.tf.json from elsewhere carries its own.
 */
export function checkoutRootOf(doc: TerraformDocument, stack: string): string | undefined {
  const terraform = doc.terraform;
  const backend = isObject(terraform) && isObject(terraform.backend) ? terraform.backend.local : undefined;
  const path = isObject(backend) ? backend.path : undefined;
  const suffix = `/terraform.${stack}.tfstate`;
  if (typeof path !== 'string' || !path.startsWith('/') || !path.endsWith(suffix)) return undefined;
  return path.slice(0, -suffix.length) || undefined;
}
