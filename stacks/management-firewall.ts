// The service VMs' security group: they talk to each other freely, and to nothing else directly.
import { Construct } from 'constructs';
import type { PortForward } from '../src/inventory/reference.ts';
import { cidr, required } from './props.ts';
import { ClusterSecurityGroup } from './security-group.ts';

export interface ManagementFirewallProps {
  /** Cluster name, for names and tags. */
  readonly cluster: string;
  /** VPC of the management network. */
  readonly vpcId: string;
  /** The management network; all traffic from it is allowed. */
  readonly managementCidr: string;
  /** Port forwards of the router; each VM port is admitted from the client networks. @default - none */
  readonly forwards?: readonly PortForward[];
  /** Client networks whose forwarded traffic the router delivers. @default - none */
  readonly clientCidrs?: readonly string[];
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
    this.group.allowFrom(this, 'management-network', {
      protocol: 'all',
      cidr: managementCidr,
      description: `all traffic inside the management network ${managementCidr}`,
    });
    const vmPorts = [...new Set((props.forwards ?? []).map((f) => f.vmPort))].sort((a, b) => a - b);
    const label = (c: string) => c.replace(/[./]/g, '-');
    for (const c of props.clientCidrs ?? []) {
      cidr('ManagementFirewall', 'clientCidrs[]', c);
      for (const port of vmPorts) {
        const to = (props.forwards ?? []).filter((f) => f.vmPort === port).map((f) => f.vm);
        this.group.allowFrom(this, `forwarded-${port}-from-${label(c)}`, {
          protocol: 'tcp',
          port,
          cidr: c,
          description: `TCP ${port} on ${[...new Set(to)].join(', ')}, forwarded by the router from client network ${c}`,
        });
      }
    }
  }

  get securityGroupId(): string {
    return this.group.securityGroupId;
  }
}
