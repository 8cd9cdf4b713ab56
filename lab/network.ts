import type { RunNames } from './names.ts';
import { runChecked } from './proc.ts';
import { OPERATOR_IP, PREFIX_LENGTH, type HostSpec, type NetworkName } from './topology.ts';

/** Where one host NIC plugs in: the bridge-side end of its veth. */
export interface BridgePort {
  netns: string;
  port: string;
}

const NETWORKS: readonly NetworkName[] = ['public', 'management'];

/** Host number `index` (1-based, as in startLab's host order) plugs its NICs into these ports. */
export function bridgePorts(run: RunNames, spec: HostSpec, index: number): BridgePort[] {
  return spec.nics.map((nic) => ({ netns: run.bridgeNetns(nic.network), port: run.port(nic.network, index) }));
}

/**
 * Creates every namespace, the two bridges (each in a namespace of its own) and one veth per host
 * NIC, and puts the test process on the public network. Hosts' NICs are named as inventories name
 * them (eth0, eth1); they live in the hosts' own namespaces, so only bridge-side ends need the
 * run's prefix. Addresses inside hosts are set by each host's network-up script.
 */
export async function createNetwork(run: RunNames, specs: readonly HostSpec[]): Promise<void> {
  const pub = run.bridgeNetns('public');
  const lines = [
    ...specs.map((s) => `netns add ${run.hostNetns(s.name)}`),
    ...NETWORKS.map((n) => `netns add ${run.bridgeNetns(n)}`),
    `link add name ${run.operatorLink} type veth peer name ${run.port('public', 0)} netns ${pub}`,
    ...specs.flatMap((spec, i) =>
      spec.nics.map(
        (nic) =>
          `link add name ${nic.dev} netns ${run.hostNetns(spec.name)} type veth ` +
          `peer name ${run.port(nic.network, i + 1)} netns ${run.bridgeNetns(nic.network)}`,
      ),
    ),
    `addr add ${OPERATOR_IP}/${PREFIX_LENGTH} dev ${run.operatorLink}`,
    `link set ${run.operatorLink} up`,
  ];
  await runChecked('ip', ['-batch', '-'], { input: lines.join('\n') + '\n' });

  await Promise.all(
    NETWORKS.map((network) => {
      const bridge = run.bridge(network);
      const ports = specs.flatMap((spec, i) => (spec.nics.some((n) => n.network === network) ? [run.port(network, i + 1)] : []));
      if (network === 'public') ports.unshift(run.port('public', 0));
      const batch = [
        `link add name ${bridge} type bridge`,
        `link set ${bridge} up`,
        ...ports.map((p) => `link set ${p} master ${bridge} up`),
      ];
      return runChecked('ip', ['-n', run.bridgeNetns(network), '-batch', '-'], { input: batch.join('\n') + '\n' });
    }),
  );
}

/** The host's boot-time network configuration, run inside the host at start and after a simulated reboot. */
export function networkUpScript(spec: HostSpec): string {
  return [
    '#!/bin/sh',
    '# Network configuration of this lab host, applied at (simulated) boot.',
    'set -e',
    '# New namespaces inherit IPv4 forwarding from the machine; a freshly booted host does not forward.',
    'echo 0 > /proc/sys/net/ipv4/ip_forward',
    'ip link set lo up',
    ...spec.nics.flatMap((nic) => [`ip addr replace ${nic.ip}/${PREFIX_LENGTH} dev ${nic.dev}`, `ip link set ${nic.dev} up`]),
    ...(spec.gateway ? [`ip route replace default via ${spec.gateway}`] : []),
    '',
  ].join('\n');
}
