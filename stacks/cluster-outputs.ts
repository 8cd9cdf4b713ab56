// What the bootstrap reads after `cdktf deploy <stack> --outputs-file FILE`.
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { HostsEntry } from '../src/inventory/model.ts';
import { OUTPUT_NAMES } from '../src/inventory/stack-outputs.ts';
import { ipv4, nonEmpty, required } from './props.ts';

export interface ClusterOutputsProps {
  /** Address of the Juju VM, where the juju commands run. */
  readonly jujuHost: string;
  /** The /etc/hosts block written on every compute node: names are the EC2 private DNS name, then the short alias. */
  readonly hostsBlock: readonly HostsEntry[];
  /** The router's Elastic IP. @default - not output (existing controller) */
  readonly routerPublicIp?: string;
  /** The router's fixed management address. @default - not output (existing controller) */
  readonly routerManagementIp?: string;
  /** Private address of each service VM by VM name. @default - not output (existing controller) */
  readonly serviceVmIps?: Readonly<Record<string, string>>;
}

/**
 * The stack's outputs, named exactly (staticId) by the contract in src/inventory/stack-outputs.ts,
 * because the bootstrap reads them by name from the file `cdktf deploy <stack> --outputs-file FILE`
 * writes, shaped `{ "<stack>": { <output>: value } }`:
 *
 * - `juju_host` (string): where the juju commands run (managed: the router's Elastic IP;
 *   existing: controller.jujuHost).
 * - `hosts_block` (list of `{ ip: string, names: string[] }`): the compute nodes' /etc/hosts
 *   lines. Managed: one per service VM, ip = the router's Elastic IP (compute nodes reach every
 *   service through the router's forwards), names = [the VM's EC2 private DNS name,
 *   `<alias>.<cluster>`]. Existing: controller.hosts as written in the inventory.
 * - managed only: `router_public_ip` (string), `router_management_ip` (string),
 *   `service_vm_ips` (object, VM name -> private IP on the management network).
 *
 * Example: `{ "example": { "juju_host": "54.1.2.3", "router_public_ip": "54.1.2.3",
 * "router_management_ip": "192.168.100.10", "service_vm_ips": { "keystone": "192.168.100.40", ... },
 * "hosts_block": [ { "ip": "54.1.2.3", "names": ["ip-192-168-100-40.ec2.internal", "keystone.example"] }, ... ] } }`
 */
export class ClusterOutputs extends Construct {
  constructor(scope: Construct, id: string, props: ClusterOutputsProps) {
    super(scope, id);
    const C = 'ClusterOutputs';
    // At stack level: output names are an interface, they must not move with the construct tree.
    const stack = TerraformStack.of(this);
    const output = (name: string, value: unknown, description: string) => new TerraformOutput(stack, name, { value, description, staticId: true });

    output(OUTPUT_NAMES.jujuHost, ipv4(C, 'jujuHost', props.jujuHost), 'Address of the Juju VM, where the juju commands run');
    const hosts = nonEmpty(C, 'hostsBlock', props.hostsBlock).map((h, i) => ({
      ip: ipv4(C, `hostsBlock[${i}].ip`, h.ip),
      names: [...nonEmpty(C, `hostsBlock[${i}].names`, h.names)],
    }));
    output(OUTPUT_NAMES.hostsBlock, hosts, 'The /etc/hosts block of every compute node: list of { ip, names }');
    if (props.routerPublicIp !== undefined) output(OUTPUT_NAMES.routerPublicIp, ipv4(C, 'routerPublicIp', props.routerPublicIp), "The router's Elastic IP");
    if (props.routerManagementIp !== undefined)
      output(OUTPUT_NAMES.routerManagementIp, ipv4(C, 'routerManagementIp', props.routerManagementIp), "The router's address on the management network");
    if (props.serviceVmIps !== undefined) {
      output(OUTPUT_NAMES.serviceVmIps, { ...required(C, 'serviceVmIps', props.serviceVmIps) }, 'Private address of each service VM, by VM name');
    }
  }
}
