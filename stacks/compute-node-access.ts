// What a compute node may reach on a managed controller: all traffic from the node's own /32,
// one rule in the router's group (where the traffic arrives) and one in the management group
// (where the router's DNAT delivers it with the node's address still as its source). Which
// ports a node may use is the router's iptables' business, not the groups': AWS's 60 rules per
// group would otherwise run out at 6 nodes (README, "Security groups").
import { Construct } from 'constructs';
import type { PlannedRule } from '../src/inventory/security-group-rules.ts';
import { nonEmpty, required } from './props.ts';
import type { ClusterSecurityGroup } from './security-group.ts';

export interface ComputeNodeAccessProps {
  /** The security group that receives the rules: the router's or the management network's. */
  readonly group: ClusterSecurityGroup;
  /** The node's name, for errors (the rules' descriptions name it too). */
  readonly node: string;
  /** The node's rules in this group, from securityGroupRules (one: all traffic from its /32). */
  readonly rules: readonly PlannedRule[];
}

/** One compute node's rules in one group; adding a node adds only these. */
export class ComputeNodeAccess extends Construct {
  constructor(scope: Construct, id: string, props: ComputeNodeAccessProps) {
    super(scope, id);
    const C = 'ComputeNodeAccess';
    required(C, 'node', props.node);
    for (const r of nonEmpty(C, 'rules', props.rules)) props.group.allowPlanned(this, r);
  }
}
