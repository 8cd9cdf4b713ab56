// Synthesizing a cluster for tests, and reading the result.
import { Testing } from 'cdktf';
import { expect } from 'vitest';
import { loadModel, parseInventory } from '../../src/inventory/load.ts';
import type { ClusterModel } from '../../src/inventory/model.ts';
import { ClusterStack } from '../../stacks/cluster-stack.ts';

export type Block = Record<string, unknown>;

export interface TfJson {
  terraform: { backend: Record<string, Block>; required_providers: Block };
  provider: { aws: Block[] };
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output: Record<string, { value: unknown; description?: string }>;
}

export interface Synthesized {
  readonly model: ClusterModel;
  /** Testing.synth's string, for cdktf's Testing matchers. */
  readonly text: string;
  readonly json: TfJson;
}

/** The stack of a model, synthesized with its validations (policy included). */
export function synthModel(model: ClusterModel): Synthesized {
  const app = Testing.app({ stackTraces: false });
  const stack = new ClusterStack(app, model.name, { model });
  const text = Testing.synth(stack, true);
  return { model, text, json: JSON.parse(text) as TfJson };
}

export const synthFile = (file: string) => synthModel(loadModel(file));

/** A model from inventory text; fails the test with the diagnostics when it is invalid. */
export function modelOf(text: string, file = 'test.yaml'): ClusterModel {
  const result = parseInventory(text, file);
  if (!result.model) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`).join('\n'));
  return result.model;
}

/** All blocks of a resource type, by logical id. */
export const resources = (s: Synthesized, type: string): Block[] => Object.values(s.json.resource[type] ?? {});
export const dataSources = (s: Synthesized, type: string): Block[] => Object.values(s.json.data?.[type] ?? {});

/** The `${type.id...}` reference of the only resource whose id starts with `prefix`. */
export function ref(s: Synthesized, type: string, prefix: string, attr = 'id'): string {
  const ids = Object.keys(s.json.resource[type] ?? {}).filter((id) => id.startsWith(`${prefix}_`));
  if (ids.length !== 1) throw new Error(`expected one ${type} with id ${prefix}_*, found ${ids.join(', ') || 'none'}`);
  return `\${${type}.${ids[0]}.${attr}}`;
}
export function dataRef(s: Synthesized, type: string, prefix: string, attr = 'id'): string {
  const ids = Object.keys(s.json.data?.[type] ?? {}).filter((id) => id.startsWith(`${prefix}_`));
  if (ids.length !== 1) throw new Error(`expected one data.${type} with id ${prefix}_*, found ${ids.join(', ') || 'none'}`);
  return `\${data.${type}.${ids[0]}.${attr}}`;
}

// cdktf's Testing assertions as vitest matchers (they compare a subset of the properties).
expect.extend({
  toHaveResourceWithProperties(received: Synthesized, type: string, properties: Record<string, unknown>) {
    const pass = Testing.toHaveResourceWithProperties(received.text, type, properties);
    return { pass, message: () => `expected ${pass ? 'no ' : ''}${type} with ${JSON.stringify(properties)} in ${received.model.name}` };
  },
  toHaveDataSourceWithProperties(received: Synthesized, type: string, properties: Record<string, unknown>) {
    const pass = Testing.toHaveDataSourceWithProperties(received.text, type, properties);
    return { pass, message: () => `expected ${pass ? 'no ' : ''}data ${type} with ${JSON.stringify(properties)} in ${received.model.name}` };
  },
});

declare module 'vitest' {
  interface Matchers<T = any> {
    toHaveResourceWithProperties(type: string, properties: Record<string, unknown>): T;
    toHaveDataSourceWithProperties(type: string, properties: Record<string, unknown>): T;
  }
}

/** The ingress rules as one readable line each: `tcp 5672 from 1.2.3.4/32 (description)`. */
export function ingressLines(s: Synthesized, groupRef?: string): string[] {
  return resources(s, 'aws_vpc_security_group_ingress_rule')
    .filter((r) => groupRef === undefined || r.security_group_id === groupRef)
    .map((r) => {
      const proto = r.ip_protocol === '47' ? 'gre' : r.ip_protocol === '-1' ? 'all' : String(r.ip_protocol);
      const port = r.from_port === undefined ? '' : ` ${String(r.from_port)}${r.to_port !== r.from_port ? `-${String(r.to_port)}` : ''}`;
      return `${proto}${port} from ${String(r.cidr_ipv4)}`;
    })
    .sort();
}

/**
 * A readable, sorted view of a stack for snapshots: one line per block, references shortened
 * to `type.path.attr` (no hash), tags and the provider's generated metadata left out.
 */
export function stackView(s: Synthesized): string {
  const short = (v: string) => v.replace(/\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+?)_[0-9A-F]{8}\.([a-z_]+)\}/g, '<$1$2.$3.$4>');
  const value = (v: unknown): string =>
    typeof v === 'string' ? short(v) : Array.isArray(v) ? `[${v.map(value).join(', ')}]` : v && typeof v === 'object' ? `{${fields(v as Block)}}` : String(v);
  const fields = (b: Block) =>
    Object.entries(b)
      .filter(([k]) => k !== 'tags' && k !== '//' && k !== 'description')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${value(v)}`)
      .join(' ');
  const id = (logical: string) => logical.replace(/_[0-9A-F]{8}$/, '');
  const lines: string[] = [];
  for (const [type, blocks] of Object.entries(s.json.resource)) for (const [lid, b] of Object.entries(blocks)) lines.push(`resource ${type}.${id(lid)}: ${fields(b)}`);
  for (const [type, blocks] of Object.entries(s.json.data ?? {})) for (const [lid, b] of Object.entries(blocks)) lines.push(`data ${type}.${id(lid)}: ${fields(b)}`);
  for (const [name, o] of Object.entries(s.json.output)) lines.push(`output ${name}: ${value(o.value)}`);
  for (const [name, b] of Object.entries(s.json.terraform.backend)) lines.push(`backend ${name}: ${fields(b)}`);
  return `${lines.sort().join('\n')}\n`;
}
