// The security group of compute nodes built as EC2 instances. The guide's compute nodes sit
// behind no firewall; in AWS they get the narrowest group that still lets the cluster work.
import { Construct } from 'constructs';
import type { PlannedRule } from '../src/inventory/security-group-rules.ts';
import { required } from './props.ts';
import { ClusterSecurityGroup } from './security-group.ts';

export interface ComputeNodeFirewallProps {
  /** Cluster name, for names and tags. */
  readonly cluster: string;
  /** VPC of the nodes. */
  readonly vpcId: string;
  /** The router's public address: traffic it sends to a node's Elastic IP arrives from it. */
  readonly routerPublicIp: string;
  /**
   * The group's rules, from securityGroupRules: all traffic from the VPC (the router and, routed
   * through it, the service VMs) and from the router's public address, SSH from the client networks.
   */
  readonly rules: readonly PlannedRule[];
}

export class ComputeNodeFirewall extends Construct {
  readonly group: ClusterSecurityGroup;

  constructor(scope: Construct, id: string, props: ComputeNodeFirewallProps) {
    super(scope, id);
    const C = 'ComputeNodeFirewall';
    this.group = new ClusterSecurityGroup(this, 'security-group', {
      cluster: required(C, 'cluster', props.cluster),
      role: 'compute',
      description: 'OpenCloud compute nodes built as EC2 instances',
      vpcId: props.vpcId,
    });
    const routerPublicIp = required(C, 'routerPublicIp', props.routerPublicIp);
    for (const r of props.rules) this.group.allowPlanned(this, r, routerPublicIp);
  }

  get securityGroupId(): string {
    return this.group.securityGroupId;
  }
}
