// The service VMs' security group: they talk to each other freely, and to nothing else directly.
import { Construct } from 'constructs';
import type { PlannedRule } from '../src/inventory/security-group-rules.ts';
import { cidr, PropsError, required } from './props.ts';
import { ClusterSecurityGroup } from './security-group.ts';

export interface ManagementFirewallProps {
  /** Cluster name, for names and tags. */
  readonly cluster: string;
  /** VPC of the management network. */
  readonly vpcId: string;
  /** The management network; checked to be admitted by `rules`. */
  readonly managementCidr: string;
  /**
   * The group's rules not tied to a compute node, from securityGroupRules: all traffic from the
   * management network, each forwarded VM port from each client network.
   */
  readonly rules: readonly PlannedRule[];
}

/**
 * Everything from inside the management network, and what the router forwards onto it. The
 * router's DNAT keeps the original source (GRE tunnels are keyed by it), so a client's or a
 * compute node's packet reaches a VM from the client's or node's own address: those are admitted
 * here for the forwarded VM ports (compute nodes: ComputeNodeAccess on this group).
 */
export class ManagementFirewall extends Construct {
  readonly group: ClusterSecurityGroup;

  constructor(scope: Construct, id: string, props: ManagementFirewallProps) {
    super(scope, id);
    const managementCidr = cidr('ManagementFirewall', 'managementCidr', props.managementCidr);
    this.group = new ClusterSecurityGroup(this, 'security-group', {
      cluster: required('ManagementFirewall', 'cluster', props.cluster),
      role: 'management',
      description: 'OpenCloud service VMs: traffic inside the management network',
      vpcId: props.vpcId,
    });
    // Without it the service VMs cannot reach each other.
    if (!props.rules.some((r) => r.protocol === 'all' && r.cidr === managementCidr)) {
      throw new PropsError('ManagementFirewall', 'rules', `must admit all traffic from the management network ${managementCidr}`);
    }
    for (const r of props.rules) this.group.allowPlanned(this, r);
  }

  get securityGroupId(): string {
    return this.group.securityGroupId;
  }
}
