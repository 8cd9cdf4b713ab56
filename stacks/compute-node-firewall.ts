// The security group of compute nodes built as EC2 instances. The guide's compute nodes sit
// behind no firewall; in AWS they get the narrowest group that still lets the cluster work.
import { Construct } from 'constructs';
import { cidr, required } from './props.ts';
import { ClusterSecurityGroup } from './security-group.ts';

export interface ComputeNodeFirewallProps {
  /** Cluster name, for names and tags. */
  readonly cluster: string;
  /** VPC of the nodes. */
  readonly vpcId: string;
  /** The VPC's range: the router and, routed through it, the service VMs. */
  readonly vpcCidr: string;
  /** The router's public address: traffic it sends to a node's Elastic IP arrives from it. */
  readonly routerPublicIp: string;
  /** Client networks allowed to SSH to the nodes (the bootstrap's). */
  readonly sshCidrs: readonly string[];
}

export class ComputeNodeFirewall extends Construct {
  readonly group: ClusterSecurityGroup;

  constructor(scope: Construct, id: string, props: ComputeNodeFirewallProps) {
    super(scope, id);
    const C = 'ComputeNodeFirewall';
    const vpcCidr = cidr(C, 'vpcCidr', props.vpcCidr);
    this.group = new ClusterSecurityGroup(this, 'security-group', {
      cluster: required(C, 'cluster', props.cluster),
      role: 'compute',
      description: 'OpenCloud compute nodes built as EC2 instances',
      vpcId: props.vpcId,
    });
    this.group.allowFrom(this, 'vpc', { protocol: 'all', cidr: vpcCidr, description: `all traffic from the cluster VPC ${vpcCidr}` });
    this.group.allowFrom(this, 'router', {
      protocol: 'all',
      cidr: `${required(C, 'routerPublicIp', props.routerPublicIp)}/32`,
      description: 'all traffic from the Juju/router public address',
    });
    props.sshCidrs.forEach((c, i) =>
      this.group.allowFrom(this, `ssh-${i}`, { protocol: 'tcp', port: 22, cidr: cidr(C, `sshCidrs[${i}]`, c), description: `SSH from client network ${c}` }),
    );
  }

  get securityGroupId(): string {
    return this.group.securityGroupId;
  }
}
