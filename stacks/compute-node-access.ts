// What each compute node may reach on a managed controller: GRE to the neutron gateway and the
// OpenStack service ports, from the node's own address only. Given once to the router's group
// (where the traffic arrives) and once to the management group (where the router's DNAT delivers
// it with the node's address still as its source).
import { Construct } from 'constructs';
import type { ComputePort } from '../src/inventory/reference.ts';
import { ipv4, nonEmpty, required } from './props.ts';
import type { ClusterSecurityGroup } from './security-group.ts';

export interface ComputeNodeAddress {
  /** Node name from the inventory, shown in rule descriptions. */
  readonly name: string;
  /** The node's public IP; rules admit its /32. */
  readonly publicIp: string;
}

export interface ComputeNodeAccessProps {
  /** The security group that receives the rules: the router's or the management network's. */
  readonly group: ClusterSecurityGroup;
  /** The node. */
  readonly node: ComputeNodeAddress;
  /** Ports the node needs (GRE, keystone 35357 and 5000, AMQP, MySQL, glance, nova, metadata, neutron). */
  readonly ports: readonly ComputePort[];
}

/** One compute node's rules: one per port, each naming the port's purpose and the node. */
export class ComputeNodeAccess extends Construct {
  constructor(scope: Construct, id: string, props: ComputeNodeAccessProps) {
    super(scope, id);
    const C = 'ComputeNodeAccess';
    const name = required(C, 'node.name', props.node.name);
    const source = `${ipv4(C, 'node.publicIp', props.node.publicIp)}/32`;
    for (const p of nonEmpty(C, 'ports', props.ports)) {
      if (p.protocol === 'gre') {
        props.group.allowFrom(this, 'gre', { protocol: 'gre', cidr: source, description: `GRE (IP protocol 47), ${p.description}, from compute node ${name}` });
      } else {
        props.group.allowFrom(this, `tcp-${p.port}`, {
          protocol: 'tcp',
          port: required(C, 'ports[].port', p.port),
          cidr: source,
          description: `TCP ${p.port} ${p.description} on ${p.vm}, from compute node ${name}`,
        });
      }
    }
  }
}
