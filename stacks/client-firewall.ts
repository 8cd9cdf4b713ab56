// Who may reach the router from outside: the forwarded service ports and SSH, from the
// operator's client networks only.
import { Construct } from 'constructs';
import { coversAnyClient, isWideNetwork, shareOfIpv4, sshClientCidrs } from '../src/inventory/client-networks.ts';
import { ROUTER_SSH_PORT, type PlannedRule } from '../src/inventory/security-group-rules.ts';
import { cidr, nonEmpty, PropsError } from './props.ts';
import type { ClusterSecurityGroup } from './security-group.ts';

export interface ClientFirewallProps {
  /** The router's security group, which receives the rules. */
  readonly routerGroup: ClusterSecurityGroup;
  /** Client networks allowed to reach the forwarded ports and SSH. */
  readonly clientCidrs: readonly string[];
  /** Accept 0.0.0.0/0 among clientCidrs (forwarded ports open to the world). @default false */
  readonly allowAnyClient?: boolean;
  /**
   * The router group's client rules from securityGroupRules: each forwarded port from each client
   * network, SSH from each one that is not "any client" by itself. Each must come from clientCidrs.
   */
  readonly rules: readonly PlannedRule[];
}

/**
 * Forwarded ports and SSH from each client network. SSH is never opened to the world, even with
 * allowAnyClient: that flag is about the OpenStack APIs, and the Juju VM holds the cluster's keys.
 */
export class ClientFirewall extends Construct {
  /** Client networks that got SSH (clientCidrs but those that are "any client" by themselves). */
  readonly sshCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: ClientFirewallProps) {
    super(scope, id);
    const C = 'ClientFirewall';
    const clients = nonEmpty(C, 'clientCidrs', props.clientCidrs);
    clients.forEach((c, i) => {
      cidr(C, `clientCidrs[${i}]`, c);
      if (isWideNetwork(c) && !props.allowAnyClient) {
        throw new PropsError(C, `clientCidrs[${i}]`, `${c} opens the forwarded ports to the world (${shareOfIpv4([c])} of IPv4); set allowAnyClient`);
      }
    });
    if (coversAnyClient(clients) && !props.allowAnyClient) {
      throw new PropsError(C, 'clientCidrs', `${clients.join(', ')} open the forwarded ports to the world (${shareOfIpv4(clients)} of IPv4); set allowAnyClient`);
    }
    this.sshCidrs = sshClientCidrs(clients);
    if (this.sshCidrs.length === 0) {
      throw new PropsError(C, 'clientCidrs', 'must name at least one network other than 0.0.0.0/0: SSH to the router is never open to the world');
    }
    for (const r of props.rules) {
      if (!clients.includes(r.cidr)) throw new PropsError(C, 'rules', `${r.id} is from ${r.cidr}, which is not among clientCidrs`);
      if (r.port === ROUTER_SSH_PORT && !this.sshCidrs.includes(r.cidr)) throw new PropsError(C, 'rules', `${r.id} opens SSH to ${r.cidr}, which is any client by itself`);
      props.routerGroup.allowPlanned(this, r);
    }
  }
}
