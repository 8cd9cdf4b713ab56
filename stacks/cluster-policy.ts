// Rules every synthesized cluster stack must follow, checked at synthesis (a validation on the
// stack): nothing open to the world (by coverage: client-networks.ts) but the forwarded ports, and every taggable resource
// carrying the cluster tag.
import { TerraformResource, TerraformStack } from 'cdktf';
import type { IValidation } from 'constructs';
import { coversAnyClient, isWideNetwork, shareOfIpv4 } from '../src/inventory/client-networks.ts';
import { isNetwork, isWorld, protocolNumber, rulesOf, type SecurityRule } from '../src/terraform/security-rules.ts';
import type { JsonObject } from '../src/terraform/terraform-json.ts';
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

/** Why an ingress open to the world is refused, or undefined when it is allowed. */
function worldOpenProblem(rule: SecurityRule, what: string, allowed: ReadonlySet<number>): string | undefined {
  if (rule.protocol !== 'tcp') {
    const name = rule.protocol === 'all' ? 'all traffic' : `IP protocol ${protocolNumber(rule.protocol)}`;
    return `opens ${name} to the world (${what}); only the forwarded TCP ports may be`;
  }
  const from = rule.fromPort ?? 0;
  const to = rule.toPort ?? 65535;
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
    const byPort = new Map<string, { rule: SecurityRule; peers: string[]; paths: string[] }>();
    for (const node of this.stack.node.findAll()) {
      if (!TerraformResource.isTerraformResource(node)) continue;
      const r = node as TerraformResource;
      const type = r.terraformResourceType;
      // toTerraform, not the typed inputs: overrides (addOverride) are part of what gets deployed.
      const body = r.toTerraform() as { resource?: Record<string, Record<string, Record<string, unknown>>> };
      const cfg = Object.values(body.resource?.[type] ?? {})[0] ?? {};
      for (const rule of rulesOf(type, r.node.id, cfg as JsonObject, {})) {
        if (rule.direction !== 'ingress') continue;
        if (isWorld(rule.peer) || (isNetwork(rule.peer) && isWideNetwork(rule.peer))) {
          const problem = worldOpenProblem(rule, rule.peer, this.allowed);
          if (problem) errors.push(`${r.node.path}: ${type} ${problem}`);
        } else if (isNetwork(rule.peer) && !rule.peer.includes(':')) {
          // Narrow rules may still add up to the world: 0.0.0.0/1 + 128.0.0.0/1 on one port.
          const key = `${rule.group}|${rule.protocol}|${rule.fromPort ?? ''}|${rule.toPort ?? ''}`;
          const entry = byPort.get(key) ?? { rule, peers: [], paths: [] };
          entry.peers.push(rule.peer);
          entry.paths.push(r.node.path);
          byPort.set(key, entry);
        }
      }
      if ('tagsInput' in r) {
        const tags = (cfg.tags ?? {}) as Record<string, unknown>;
        if (tags[CLUSTER_TAG] !== this.props.cluster) {
          errors.push(`${r.node.path}: ${type} lacks the tag ${CLUSTER_TAG}=${this.props.cluster}`);
        }
      }
    }
    // An all-traffic rule (IP protocol -1) opens every port too: its networks count toward each
    // port of its group, so "all from A" beside "tcp 22 from B" is judged as tcp 22 from A + B.
    const allTraffic = new Map<string, { peers: string[]; paths: string[] }>();
    for (const e of byPort.values()) if (e.rule.protocol === 'all') allTraffic.set(e.rule.group, e);
    for (const { rule, peers: own, paths: ownPaths } of byPort.values()) {
      const all = rule.protocol === 'all' ? undefined : allTraffic.get(rule.group);
      if (all && coversAnyClient(all.peers)) continue; // reported as the all-traffic rules themselves
      const peers = [...own, ...(all?.peers ?? [])];
      const paths = [...ownPaths, ...(all?.paths ?? [])];
      if (!coversAnyClient(peers)) continue;
      const problem = worldOpenProblem(rule, `${peers.join(' + ')}: ${shareOfIpv4(peers)} of IPv4`, this.allowed);
      if (problem) errors.push(`${paths.join(', ')}: together ${problem}`);
    }
    return errors;
  }
}
