// A managed controller's inventory and stack outputs for the lab: the lab's addresses as the
// reference has them, lowered minimums (through the inventory's `minimums`, as an operator of a
// lab would), and the outputs file in the shape `cdktf deploy --outputs-file` writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackOutputs } from '../src/inventory/stack-outputs.ts';
import { SERVICE_VMS, type PortForward, type ServiceVmName } from '../src/inventory/reference.ts';
import { clusterKnownHosts, type Lab } from './lab.ts';
import { LAB_SERIES } from './ubuntu.ts';

export interface ManagedLabCluster {
  readonly inventory: string;
  readonly outputsFile: string;
  readonly outputs: StackOutputs;
}

export interface ManagedLabClusterOptions {
  readonly name: string;
  /** Port forwards; default: the reference table. */
  readonly forwards?: readonly PortForward[];
}

/** Writes `inventory.yaml`, `known_hosts` and `outputs.json` into dir. */
export function writeManagedLabCluster(lab: Lab, dir: string, opts: ManagedLabClusterOptions): ManagedLabCluster {
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, clusterKnownHosts(lab, opts.name));
  const hardware = '{ cpuCores: 1, arch: x86_64, memoryGiB: 1, diskTiB: 0.001, nics: [ { name: eth0, speedMbps: 1000 } ] }';
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    [
      `name: ${opts.name}`,
      'region: us-east-1',
      `ubuntuSeries: ${LAB_SERIES}`,
      'ssh:',
      '  user: root',
      `  privateKeyFile: ${lab.privateKeyFile}`,
      `  knownHostsFile: ${knownHosts}`,
      'minimums: { cpuCores: 1, arch: x86_64, memoryGiB: 0.25, diskTiB: 0.0001, nics: 1, nicSpeedMbps: 1 }',
      'controller:',
      '  kind: managed',
      '  vpcCidr: 192.168.0.0/16',
      '  publicSubnetCidr: 192.168.1.0/24',
      '  managementCidr: 192.168.100.0/24',
      // The client (.70) is inside, the outsider (.200) is not.
      '  clientCidrs: [198.51.100.64/27]',
      ...(opts.forwards ? [`  forwards: [ ${opts.forwards.map((f) => `{ port: ${f.port}, vm: ${f.vm}, vmPort: ${f.vmPort} }`).join(', ')} ]`] : []),
      'computeNodes:',
      ...lab.computeNodes.map((h) => `  - { name: ${h.name}, publicIp: ${h.ip}, hardware: ${hardware} }`),
      '',
    ].join('\n'),
  );
  const router = lab.router;
  const outputs: StackOutputs = {
    router_public_ip: router.ip,
    router_management_ip: router.managementIp!,
    service_vm_ips: Object.fromEntries([['juju', router.managementIp!], ...lab.serviceVms.map((h) => [h.name, h.ip])]),
    // Compute nodes reach every service through the router, by the guide's aliases.
    hosts_block: lab.serviceVms.map((h) => ({ ip: router.ip, names: [`${SERVICE_VMS[h.name as ServiceVmName].hostAlias}.amazon`] })),
    juju_host: router.ip,
  };
  const outputsFile = join(dir, 'outputs.json');
  writeFileSync(outputsFile, JSON.stringify({ [opts.name]: outputs }));
  return { inventory, outputsFile, outputs };
}
