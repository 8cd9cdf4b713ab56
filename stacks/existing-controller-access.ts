// Adding compute nodes to a controller already running in EC2 (the guide's Install Cloud):
// its Juju-made security groups get one rule per node, and only those rules are the stack's.
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group/index.js';
import { Construct } from 'constructs';
import type { NodeRules } from '../src/inventory/security-group-rules.ts';
import { required } from './props.ts';
import { ingressRule, plannedIngress } from './security-group.ts';

export interface ExistingControllerAccessProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Group of the neutron gateway's machine (the guide's juju-amazon-6); gets GRE from each node. */
  readonly greSecurityGroup: string;
  /** Group of keystone's machine (the guide's juju-amazon-3); gets TCP 35357 from each node. */
  readonly keystoneSecurityGroup: string;
  /** Narrows the group-name lookup to one VPC. @default - any VPC of the region (the name must then be unique) */
  readonly vpcId?: string;
  /** Each compute node's rules in the GRE group, from securityGroupRules (GRE from its /32). */
  readonly greRules: readonly NodeRules[];
  /** Each compute node's rules in the keystone group, from securityGroupRules (TCP 35357 from its /32). */
  readonly keystoneRules: readonly NodeRules[];
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
    const add = (group: DataAwsSecurityGroup, nodes: readonly NodeRules[]) => {
      for (const { rules } of nodes) {
        for (const r of rules) ingressRule(this, r.id, { ...plannedIngress(r), cluster, securityGroupId: group.id });
      }
    };
    add(gre, props.greRules);
    add(keystone, props.keystoneRules);
  }
}
