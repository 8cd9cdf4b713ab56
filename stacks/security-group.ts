// A security group of the cluster, with its rules as separate resources. Terraform's
// aws_security_group drops AWS's default allow-all egress, so outbound traffic is explicit.
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { Construct } from 'constructs';
import { GRE_PROTOCOL } from '../src/inventory/reference.ts';
import { ROUTER_PUBLIC_ADDRESS, type PlannedRule } from '../src/inventory/security-group-rules.ts';
import { cidr, port, PropsError, required } from './props.ts';
import { clusterTags } from './tags.ts';

/** What an ingress rule lets in. */
export interface IngressProps {
  /** Cluster name, for tags. */
  readonly cluster: string;
  /** Group the rule belongs to. */
  readonly securityGroupId: string;
  /** 'tcp', 'udp', 'gre' (IP protocol 47) or 'all'. */
  readonly protocol: 'tcp' | 'udp' | 'gre' | 'all';
  /** Port for tcp/udp; none for gre and all. */
  readonly port?: number;
  /** Source network. */
  readonly cidr: string;
  /** Shown in the console: the port's purpose and who it is for. */
  readonly description: string;
}

// AWS accepts only these characters in rule descriptions.
const DESCRIPTION = /^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** One ingress rule (aws_vpc_security_group_ingress_rule) as a child of `scope`. */
export function ingressRule(scope: Construct, id: string, props: IngressProps): VpcSecurityGroupIngressRule {
  const C = 'IngressRule';
  const description = required(C, 'description', props.description);
  if (!DESCRIPTION.test(description)) throw new PropsError(C, 'description', `"${description}" has characters AWS refuses or is too long`);
  const withPort = props.protocol === 'tcp' || props.protocol === 'udp';
  if (withPort && props.port === undefined) throw new PropsError(C, 'port', `is required for ${props.protocol}`);
  if (!withPort && props.port !== undefined) throw new PropsError(C, 'port', `must be absent for protocol ${props.protocol}`);
  if (withPort) port(C, 'port', props.port!);
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: required(C, 'securityGroupId', props.securityGroupId),
    ipProtocol: props.protocol === 'gre' ? String(GRE_PROTOCOL) : props.protocol === 'all' ? '-1' : props.protocol,
    ...(withPort ? { fromPort: props.port, toPort: props.port } : {}),
    cidrIpv4: cidr(C, 'cidr', props.cidr),
    description,
    tags: clusterTags(props.cluster, id),
  });
}

export interface ClusterSecurityGroupProps {
  /** Cluster name, for the group's name and tags. */
  readonly cluster: string;
  /** Short role of the group, e.g. router; the group is named `<cluster>-<role>`. */
  readonly role: string;
  /** What the group is for. */
  readonly description: string;
  /** VPC of the group. */
  readonly vpcId: string;
  /** Let every outbound connection out (AWS's own default, which Terraform removes). @default true */
  readonly allowAllOutbound?: boolean;
}

export class ClusterSecurityGroup extends Construct {
  readonly securityGroupId: string;
  readonly cluster: string;

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupProps) {
    super(scope, id);
    const C = 'ClusterSecurityGroup';
    this.cluster = required(C, 'cluster', props.cluster);
    const role = required(C, 'role', props.role);
    const group = new SecurityGroup(this, 'group', {
      name: `${this.cluster}-${role}`,
      description: required(C, 'description', props.description),
      vpcId: required(C, 'vpcId', props.vpcId),
      tags: clusterTags(this.cluster, role),
    });
    this.securityGroupId = group.id;
    if (props.allowAllOutbound ?? true) {
      new VpcSecurityGroupEgressRule(this, 'all-outbound', {
        securityGroupId: group.id,
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
        description: `${role}: all outbound traffic`,
        tags: clusterTags(this.cluster, `${role}-all-outbound`),
      });
    }
  }

  /** Adds an ingress rule to this group, as a child of `scope` (the construct it is for). */
  allowFrom(scope: Construct, id: string, rule: Omit<IngressProps, 'cluster' | 'securityGroupId'>): VpcSecurityGroupIngressRule {
    return ingressRule(scope, id, { ...rule, cluster: this.cluster, securityGroupId: this.securityGroupId });
  }

  /**
   * Adds a rule of securityGroupRules to this group, as a child of `scope`. `routerPublicIp`
   * stands in for ROUTER_PUBLIC_ADDRESS (the Elastic IP, known at apply).
   */
  allowPlanned(scope: Construct, rule: PlannedRule, routerPublicIp?: string): VpcSecurityGroupIngressRule {
    return ingressRule(scope, rule.id, { ...plannedIngress(rule, routerPublicIp), cluster: this.cluster, securityGroupId: this.securityGroupId });
  }
}

/** A planned rule as ingressRule's props (less the group). */
export function plannedIngress(rule: PlannedRule, routerPublicIp?: string): Omit<IngressProps, 'cluster' | 'securityGroupId'> {
  let source = rule.cidr;
  if (source === ROUTER_PUBLIC_ADDRESS) {
    if (routerPublicIp === undefined) throw new PropsError('IngressRule', 'cidr', `${rule.id} is from the router, whose address was not given`);
    source = `${routerPublicIp}/32`;
  }
  return {
    protocol: rule.protocol,
    ...(rule.port === undefined ? {} : { port: rule.port }),
    cidr: source,
    description: rule.description,
  };
}
