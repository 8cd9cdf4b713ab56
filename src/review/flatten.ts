// Nested Terraform attributes as `path -> value` pairs, so a change reads as
// `root_block_device.volume_size: 40 -> 80` instead of two whole objects.
import { isObject, type JsonValue } from '../terraform/terraform-json.ts';

/**
 * Objects are walked into (`a.b`); lists of objects by index (`a[0].b`); lists of plain values
 * stay one value, since their elements have no identity of their own (`cidr_blocks`).
 */
export function flatten(value: JsonValue, prefix = '', out = new Map<string, JsonValue>()): Map<string, JsonValue> {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) out.set(prefix, value);
    for (const key of keys) flatten(value[key]!, prefix ? `${prefix}.${key}` : key, out);
  } else if (Array.isArray(value) && value.some((v) => isObject(v) || Array.isArray(v))) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

export interface AttributeChange {
  readonly path: string;
  /** Absent before (an added attribute) when undefined. */
  readonly before?: JsonValue;
  /** Absent after (a removed attribute) when undefined. */
  readonly after?: JsonValue;
}

/** Paths whose value differs, in path order; `skip` leaves out attributes shown some other way. */
export function attributeChanges(before: JsonValue | undefined, after: JsonValue | undefined, skip: (path: string) => boolean = () => false): AttributeChange[] {
  const a = before === undefined ? new Map<string, JsonValue>() : flatten(before);
  const b = after === undefined ? new Map<string, JsonValue>() : flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => !skip(p)).sort(comparePaths);
  const changes: AttributeChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    changes.push({ path, ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}) });
  }
  return changes;
}

/** Path order with list indexes compared as numbers (`a[2]` before `a[10]`). */
function comparePaths(x: string, y: string): number {
  return x.localeCompare(y, 'en', { numeric: true });
}

/** A value as the output shows it: JSON, and `(none)` for an absent one. */
export function showValue(v: JsonValue | undefined): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}
