// Who may reach the router from outside: the forwarded service ports and SSH, from the
// operator's client networks only.
import { Construct } from 'constructs';
import { coversAnyClient, isWideNetwork, shareOfIpv4, sshClientCidrs } from '../src/inventory/client-networks.ts';
import type { PortForward } from '../src/inventory/reference.ts';
import { cidr, nonEmpty, PropsError } from './props.ts';
import type { ClusterSecurityGroup } from './security-group.ts';

export interface ClientFirewallProps {
  /** The router's security group, which receives the rules. */
  readonly routerGroup: ClusterSecurityGroup;
  /** Port forwards on the router (public port -> VM:port); each public port is opened. */
  readonly forwards: readonly PortForward[];
  /** Client networks allowed to reach the forwarded ports and SSH. */
  readonly clientCidrs: readonly string[];
  /** Accept 0.0.0.0/0 among clientCidrs (forwarded ports open to the world). @default false */
  readonly allowAnyClient?: boolean;
  /** The router's SSH port. @default 22 */
  readonly sshPort?: number;
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
    const group = props.routerGroup;
    const label = (c: string) => c.replace(/[./]/g, '-');
    for (const f of props.forwards) {
      for (const c of clients) {
        group.allowFrom(this, `forward-${f.port}-from-${label(c)}`, {
          protocol: 'tcp',
          port: f.port,
          cidr: c,
          description: `port ${f.port} forwarded to ${f.vm}:${f.vmPort}, from client network ${c}`,
        });
      }
    }
    const ssh = props.sshPort ?? 22;
    for (const c of this.sshCidrs) {
      group.allowFrom(this, `ssh-from-${label(c)}`, { protocol: 'tcp', port: ssh, cidr: c, description: `SSH ${ssh} to the Juju/router VM, from client network ${c}` });
    }
  }
}
