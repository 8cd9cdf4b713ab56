// Adding compute nodes to a controller already running in EC2 (the guide's Install Cloud):
// its Juju-made security groups get one rule per node, and only those rules are the stack's.
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group/index.js';
import { DataAwsSecurityGroups } from '@cdktf/provider-aws/lib/data-aws-security-groups/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { NodeRules } from '../src/inventory/security-group-rules.ts';
import { required } from './props.ts';
import { ingressRule, plannedIngress } from './security-group.ts';

const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

export interface ExistingControllerAccessProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Region, for the message when a group name does not match exactly one group. */
  readonly region: string;
  /** Group (name or sg- ID) of the neutron gateway's machine (the guide's juju-amazon-6); gets GRE from each node. */
  readonly greSecurityGroup: string;
  /** Group (name or sg- ID) of keystone's machine (the guide's juju-amazon-3); gets TCP 35357 from each node. */
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
    const region = required(C, 'region', props.region);
    // Data sources, not resources: the groups are Juju's, the stack must never delete them. A
    // name may repeat across VPCs (Juju names groups after the environment): the plan stops,
    // saying so, unless it matches exactly one group; an ID is looked up as it is.
    const lookup = (lid: string, field: 'greSecurityGroup' | 'keystoneSecurityGroup'): { id: string } => {
      const value = required(C, field, props[field]);
      if (SECURITY_GROUP_ID.test(value)) return new DataAwsSecurityGroup(this, lid, { id: value });
      const where = props.vpcId ? `${props.vpcId} (${region})` : region;
      const found = new DataAwsSecurityGroups(this, lid, {
        filter: [{ name: 'group-name', values: [value] }, ...(props.vpcId ? [{ name: 'vpc-id', values: [props.vpcId] }] : [])],
        lifecycle: {
          postcondition: [
            {
              condition: '${length(self.ids) == 1}',
              errorMessage: `controller.${field} "${value}" must name exactly one security group in ${where}, not \${length(self.ids)}: set controller.vpcId, or give the group's ID (sg-...).`,
            },
          ],
        },
      });
      return { id: Fn.element(found.ids, 0) as string };
    };
    const gre = lookup('gre-group', 'greSecurityGroup');
    const keystone = lookup('keystone-group', 'keystoneSecurityGroup');
    const add = (group: { id: string }, nodes: readonly NodeRules[]) => {
      for (const { rules } of nodes) {
        for (const r of rules) ingressRule(this, r.id, { ...plannedIngress(r), cluster, securityGroupId: group.id });
      }
    };
    add(gre, props.greRules);
    add(keystone, props.keystoneRules);
  }
}
