// The service VMs' security group: they talk to each other freely, and to nothing else directly.
import { Construct } from 'constructs';
import { cidr, required } from './props.ts';
import { ClusterSecurityGroup } from './security-group.ts';

export interface ManagementFirewallProps {
  /** Cluster name, for names and tags. */
  readonly cluster: string;
  /** VPC of the management network. */
  readonly vpcId: string;
  /** The management network; all traffic from it is allowed. */
  readonly managementCidr: string;
}

/**
 * Everything from inside the management network, nothing from outside it: clients and compute
 * nodes come in through the router, which masquerades what it forwards onto this network
 * (the bootstrap's iptables rules), so their traffic arrives from the router's management address.
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
    this.group.allowFrom(this, 'management-network', {
      protocol: 'all',
      cidr: managementCidr,
      description: `all traffic inside the management network ${managementCidr}`,
    });
  }

  get securityGroupId(): string {
    return this.group.securityGroupId;
  }
}
