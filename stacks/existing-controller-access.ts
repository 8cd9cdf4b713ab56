// Adding compute nodes to a controller already running in EC2 (the guide's Install Cloud):
// its Juju-made security groups get one rule per node, and only those rules are the stack's.
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group/index.js';
import { Construct } from 'constructs';
import { KEYSTONE_ADMIN_PORT } from '../src/inventory/reference.ts';
import { ipv4, required } from './props.ts';
import type { ComputeNodeAddress } from './compute-node-access.ts';
import { ingressRule } from './security-group.ts';

export interface ExistingControllerAccessProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Group of the neutron gateway's machine (the guide's juju-amazon-6); gets GRE from each node. */
  readonly greSecurityGroup: string;
  /** Group of keystone's machine (the guide's juju-amazon-3); gets TCP 35357 from each node. */
  readonly keystoneSecurityGroup: string;
  /** Narrows the group-name lookup to one VPC. @default - any VPC of the region (the name must then be unique) */
  readonly vpcId?: string;
  /** The compute nodes. */
  readonly nodes: readonly ComputeNodeAddress[];
}

export class ExistingControllerAccess extends Construct {
  constructor(scope: Construct, id: string, props: ExistingControllerAccessProps) {
    super(scope, id);
    const C = 'ExistingControllerAccess';
    const cluster = required(C, 'cluster', props.cluster);
    // Data sources, not resources: the groups are Juju's, the stack must never delete them.
    const lookup = (lid: string, field: string, name: string) =>
      new DataAwsSecurityGroup(this, lid, {
        filter: [
          { name: 'group-name', values: [required(C, field, name)] },
          ...(props.vpcId ? [{ name: 'vpc-id', values: [props.vpcId] }] : []),
        ],
      });
    const gre = lookup('gre-group', 'greSecurityGroup', props.greSecurityGroup);
    const keystone = lookup('keystone-group', 'keystoneSecurityGroup', props.keystoneSecurityGroup);
    props.nodes.forEach((node, i) => {
      const name = required(C, `nodes[${i}].name`, node.name);
      const source = `${ipv4(C, `nodes[${i}].publicIp`, node.publicIp)}/32`;
      ingressRule(this, `${name}-gre`, {
        cluster,
        securityGroupId: gre.id,
        protocol: 'gre',
        cidr: source,
        description: `GRE (IP protocol 47) to the neutron gateway, from compute node ${name}`,
      });
      ingressRule(this, `${name}-keystone-${KEYSTONE_ADMIN_PORT}`, {
        cluster,
        securityGroupId: keystone.id,
        protocol: 'tcp',
        port: KEYSTONE_ADMIN_PORT,
        cidr: source,
        description: `TCP ${KEYSTONE_ADMIN_PORT} keystone admin API, from compute node ${name}`,
      });
    });
  }
}
