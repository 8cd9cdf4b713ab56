// Checks across fields that a schema of types cannot express: uniqueness, containment of
// networks, the hardware minimums, who may reach the forwarded ports.
import type { Inventory } from './schema.ts';
import { awsReservedReason, contains, isAnyAddress, isNetworkAddress, offsetInNetwork, overlaps } from './network.ts';
import { SERVICE_VM_NAMES, SERVICE_VMS } from './reference.ts';
import { serviceVmIp } from './model.ts';
import { ANY_CLIENT_PREFIX, coversAnyClient, isWideNetwork, shareOfIpv4, sshClientCidrs } from './client-networks.ts';

export type Path = readonly (string | number)[];

export interface Problem {
  /** Where in the document: the value at fault, or its parent key when the value is missing. */
  readonly path: Path;
  readonly message: string;
}

export function checkInventory(inv: Inventory): Problem[] {
  const problems: Problem[] = [];
  const report = (path: Path, message: string) => problems.push({ path, message });
  checkComputeNodes(inv, report);
  if (inv.controller.kind === 'managed') checkManaged(inv, report);
  else checkExisting(inv, report);
  return problems;
}

type Report = (path: Path, message: string) => void;

/** Reports every value after its first occurrence, naming where that was. */
function checkUnique<T>(items: readonly T[], key: (item: T) => string, path: (i: number) => Path, what: string, report: Report) {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else report(path(i), `${what} "${k}" is already used by entry ${seen + 1}`);
  });
}

function checkComputeNodes(inv: Inventory, report: Report) {
  const nodes = inv.computeNodes;
  checkUnique(nodes, (n) => n.name, (i) => ['computeNodes', i, 'name'], 'compute node name', report);
  checkUnique(nodes, (n) => n.publicIp, (i) => ['computeNodes', i, 'publicIp'], 'IP address', report);
  const min = inv.minimums;
  nodes.forEach((node, i) => {
    const at = (...rest: (string | number)[]): Path => ['computeNodes', i, 'hardware', ...rest];
    const hw = node.hardware;
    if (hw.cpuCores < min.cpuCores)
      report(at('cpuCores'), `${hw.cpuCores} cores is below the minimum of ${min.cpuCores} cores by ${min.cpuCores - hw.cpuCores}`);
    if (hw.arch !== min.arch) report(at('arch'), `architecture ${hw.arch} is not the required ${min.arch}`);
    if (hw.memoryGiB < min.memoryGiB)
      report(at('memoryGiB'), `${hw.memoryGiB} GiB of memory is below the minimum of ${min.memoryGiB} GiB by ${round(min.memoryGiB - hw.memoryGiB)} GiB`);
    if (hw.diskTiB < min.diskTiB)
      report(at('diskTiB'), `${hw.diskTiB} TiB of disk is below the minimum of ${min.diskTiB} TiB by ${round(min.diskTiB - hw.diskTiB)} TiB`);
    if (hw.nics.length < min.nics)
      report(at('nics'), `${hw.nics.length} NIC(s) is below the minimum of ${min.nics} NICs by ${min.nics - hw.nics.length} (NIC1 public, NIC2 unconfigured)`);
    hw.nics.forEach((nic, j) => {
      if (nic.speedMbps < min.nicSpeedMbps)
        report(at('nics', j, 'speedMbps'), `NIC ${nic.name} at ${nic.speedMbps} Mbps is below the minimum of ${min.nicSpeedMbps} Mbps by ${min.nicSpeedMbps - nic.speedMbps} Mbps`);
    });
    checkUnique(hw.nics, (n) => n.name, (j) => at('nics', j, 'name'), 'NIC name', report);
  });
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function checkManaged(inv: Inventory, report: Report) {
  const c = inv.controller;
  if (c.kind !== 'managed') return;
  const at = (...rest: (string | number)[]): Path => ['controller', ...rest];

  if (c.availabilityZone !== undefined && c.availabilityZone.slice(0, -1) !== inv.region) {
    report(at('availabilityZone'), `${c.availabilityZone} is not a zone of region ${inv.region}`);
  }
  for (const key of ['vpcCidr', 'publicSubnetCidr', 'managementCidr'] as const) {
    if (!isNetworkAddress(c[key])) report(at(key), `${c[key]} is not a network address; host bits must be zero`);
  }
  for (const key of ['publicSubnetCidr', 'managementCidr'] as const) {
    if (!contains(c.vpcCidr, c[key])) report(at(key), `${c[key]} is not inside vpcCidr ${c.vpcCidr}`);
  }
  if (overlaps(c.publicSubnetCidr, c.managementCidr))
    report(at('managementCidr'), `${c.managementCidr} overlaps publicSubnetCidr ${c.publicSubnetCidr}`);

  // Judged by coverage (client-networks.ts): 0.0.0.0/1 + 128.0.0.0/1 is the world too.
  c.clientCidrs.forEach((cidr, i) => {
    if (!isNetworkAddress(cidr)) report(at('clientCidrs', i), `${cidr} is not a network address; host bits must be zero`);
    else if (isAnyAddress(cidr) && !c.allowAnyClient)
      report(at('clientCidrs', i), `${cidr} opens the forwarded ports to the whole Internet; set controller.allowAnyClient: true if that is really meant`);
    else if (isWideNetwork(cidr) && !c.allowAnyClient)
      report(at('clientCidrs', i), `${cidr} opens the forwarded ports to ${shareOfIpv4([cidr])} of the Internet (a /${ANY_CLIENT_PREFIX} or more counts as any client); set controller.allowAnyClient: true if that is really meant`);
  });
  if (!c.allowAnyClient && !c.clientCidrs.some(isWideNetwork) && coversAnyClient(c.clientCidrs))
    report(at('clientCidrs'), `together cover ${shareOfIpv4(c.clientCidrs)} of the Internet (a /${ANY_CLIENT_PREFIX}'s worth or more counts as any client); set controller.allowAnyClient: true if that is really meant`);
  // SSH to the router goes to the client networks that are not "any client" by themselves.
  const ssh = sshClientCidrs(c.clientCidrs);
  if (c.clientCidrs.length > 0 && ssh.length === 0)
    report(at('clientCidrs'), "must also name the operator's own network: SSH to the router is never opened to 0.0.0.0/0");
  else if (c.allowAnyClient && coversAnyClient(ssh))
    report(at('clientCidrs'), `the networks SSH is opened to (${ssh.join(', ')}) together cover ${shareOfIpv4(ssh)} of the Internet: SSH to the router is never opened that wide`);

  // Every service VM needs an address AWS will hand out, whether given or from the reference offsets.
  const vmIps = SERVICE_VM_NAMES.map((vm) => {
    const override = c.services?.[vm]?.ip;
    const ip = serviceVmIp(c.managementCidr, vm, override);
    const path = override ? at('services', vm, 'ip') : at('managementCidr');
    return { vm, ip, path, override };
  });
  for (const { vm, ip, path, override } of vmIps) {
    const offset = offsetInNetwork(c.managementCidr, ip);
    if (offset < 0) {
      report(
        path,
        override
          ? `${vm} address ${ip} is outside the management network ${c.managementCidr}`
          : `${c.managementCidr} is too small for ${vm}'s reference address (offset .${SERVICE_VMS[vm].hostOffset}); use a /24 or give controller.services.${vm}.ip`,
      );
      continue;
    }
    const reserved = awsReservedReason(c.managementCidr, ip);
    if (reserved) report(path, `${vm} address ${ip} is ${reserved} of ${c.managementCidr}, which AWS reserves`);
  }
  checkUnique(vmIps, (v) => v.ip, (i) => vmIps[i]!.path, 'service VM address', report);

  const nodeIps = new Map(inv.computeNodes.map((n, i) => [n.publicIp, i]));
  for (const { vm, ip } of vmIps) {
    const i = nodeIps.get(ip);
    if (i !== undefined) report(['computeNodes', i, 'publicIp'], `IP address ${ip} is already the ${vm} VM's address`);
  }

  const forwards = c.forwards ?? [];
  checkUnique(forwards, (f) => String(f.port), (i) => at('forwards', i, 'port'), 'port', report);
  forwards.forEach((f, i) => {
    if (f.port === 22) report(at('forwards', i, 'port'), 'port 22 is the router\'s own SSH port and cannot be forwarded');
  });
}

function checkExisting(inv: Inventory, report: Report) {
  const c = inv.controller;
  if (c.kind !== 'existing') return;
  inv.computeNodes.forEach((n, i) => {
    if (n.ec2)
      report(
        ['computeNodes', i, 'ec2'],
        'EC2 compute nodes need a subnet, which an existing controller does not name yet; build this node by hand or use a managed controller',
      );
  });
  checkUnique(c.hosts, (h) => h.ip, (i) => ['controller', 'hosts', i, 'ip'], 'IP address', report);
  const names = c.hosts.flatMap((h, i) => h.names.map((name, j) => ({ name, path: ['controller', 'hosts', i, 'names', j] as Path })));
  checkUnique(names, (n) => n.name, (k) => names[k]!.path, 'host name', report);
  if (c.greSecurityGroup === c.keystoneSecurityGroup)
    report(['controller', 'keystoneSecurityGroup'], 'must differ from greSecurityGroup: the guide opens GRE and 35357 on two machines');
  const controllerIps = new Set([c.jujuHost, ...c.hosts.map((h) => h.ip)]);
  inv.computeNodes.forEach((n, i) => {
    if (controllerIps.has(n.publicIp))
      report(['computeNodes', i, 'publicIp'], `IP address ${n.publicIp} belongs to the controller (jujuHost or hosts)`);
  });
}
