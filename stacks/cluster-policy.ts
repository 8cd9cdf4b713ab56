// Rules every synthesized cluster stack must follow, checked at synthesis (a validation on the
// stack): nothing open to the world but the forwarded ports, and every taggable resource
// carrying the cluster tag.
import { TerraformResource, TerraformStack } from 'cdktf';
import type { IValidation } from 'constructs';
import { CLUSTER_TAG } from './tags.ts';

export interface ClusterPolicyProps {
  /** Cluster name: the value the cluster tag must have. */
  readonly cluster: string;
  /**
   * Ports that may be open to 0.0.0.0/0: the forwarded ports when the inventory sets
   * allowAnyClient, none otherwise. @default - none
   */
  readonly worldOpenPorts?: readonly number[];
}

const WORLD = new Set(['0.0.0.0/0', '::/0']);

interface Ingress {
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly cidrs: readonly string[];
}

/** The ingress a resource grants, whatever resource type it uses to do so. */
function ingressOf(type: string, cfg: Record<string, unknown>): Ingress[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  switch (type) {
    case 'aws_vpc_security_group_ingress_rule':
      return [{ protocol: String(cfg.ip_protocol), from: num(cfg.from_port), to: num(cfg.to_port), cidrs: [...list([cfg.cidr_ipv4]), ...list([cfg.cidr_ipv6])] }];
    case 'aws_security_group_rule':
      return cfg.type === 'ingress'
        ? [{ protocol: String(cfg.protocol), from: num(cfg.from_port), to: num(cfg.to_port), cidrs: [...list(cfg.cidr_blocks), ...list(cfg.ipv6_cidr_blocks)] }]
        : [];
    case 'aws_security_group':
      return (Array.isArray(cfg.ingress) ? (cfg.ingress as Record<string, unknown>[]) : []).map((r) => ({
        protocol: String(r.protocol),
        from: num(r.from_port),
        to: num(r.to_port),
        cidrs: [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks)],
      }));
    default:
      return [];
  }
}

/** Why an ingress open to the world is refused, or undefined when it is allowed. */
function worldOpenProblem(rule: Ingress, allowed: ReadonlySet<number>): string | undefined {
  const world = rule.cidrs.filter((c) => WORLD.has(c));
  if (world.length === 0) return undefined;
  const proto = rule.protocol.toLowerCase();
  const what = `${world.join(', ')}`;
  if (proto !== 'tcp' && proto !== '6') {
    const name = proto === '-1' || proto === 'all' ? 'all traffic' : `IP protocol ${proto}`;
    return `opens ${name} to the world (${what}); only the forwarded TCP ports may be`;
  }
  const from = rule.from ?? 0;
  const to = rule.to ?? 65535;
  for (let p = from; p <= to; p++) {
    if (!allowed.has(p)) {
      const ports = from === to ? `TCP ${from}` : `TCP ${from}-${to}`;
      return allowed.size === 0
        ? `opens ${ports} to the world (${what}); set controller.allowAnyClient to open the forwarded ports, nothing else may be`
        : `opens ${ports} to the world (${what}); only the forwarded ports ${[...allowed].sort((a, b) => a - b).join(', ')} may be`;
    }
  }
  return undefined;
}

/** The stack's policy, run by cdktf with the stack's other validations before anything is written. */
export class ClusterPolicy implements IValidation {
  /** Adds the policy to a stack. */
  static of(stack: TerraformStack, props: ClusterPolicyProps): ClusterPolicy {
    const policy = new ClusterPolicy(stack, props);
    stack.node.addValidation(policy);
    return policy;
  }

  private readonly allowed: ReadonlySet<number>;

  private constructor(private readonly stack: TerraformStack, private readonly props: ClusterPolicyProps) {
    if (!props.cluster) throw new Error('ClusterPolicy: cluster is required');
    this.allowed = new Set(props.worldOpenPorts ?? []);
  }

  validate(): string[] {
    const errors: string[] = [];
    for (const node of this.stack.node.findAll()) {
      if (!TerraformResource.isTerraformResource(node)) continue;
      const r = node as TerraformResource;
      const type = r.terraformResourceType;
      // toTerraform, not the typed inputs: overrides (addOverride) are part of what gets deployed.
      const body = r.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
      const cfg = Object.values(body.resource?.[type] ?? {})[0] ?? {};
      for (const rule of ingressOf(type, cfg)) {
        const problem = worldOpenProblem(rule, this.allowed);
        if (problem) errors.push(`${r.node.path}: ${type} ${problem}`);
      }
      if ('tagsInput' in r) {
        const tags = (cfg.tags ?? {}) as Record<string, unknown>;
        if (tags[CLUSTER_TAG] !== this.props.cluster) {
          errors.push(`${r.node.path}: ${type} lacks the tag ${CLUSTER_TAG}=${this.props.cluster}`);
        }
      }
    }
    return errors;
  }
}
