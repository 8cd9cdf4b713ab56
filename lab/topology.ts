/** The lab's fixed addressing plan; test inventories use these addresses. */
import { ROUTER_VM, SERVICE_VM_NAMES, SERVICE_VMS as REFERENCE_VMS } from '../src/inventory/reference.ts';

export type Role = 'router' | 'service' | 'compute' | 'client';
export type NetworkName = 'public' | 'management';

/** Both networks are /24. */
export const PREFIX_LENGTH = 24;
export const OPERATOR_IP = '198.51.100.1';
export const ROUTER_PUBLIC_IP = '198.51.100.2';
export const ROUTER_MANAGEMENT_IP = '192.168.100.10';

/** The service VMs behind the router, at their reference addresses, in address order. */
export const SERVICE_VMS: ReadonlyArray<readonly [name: string, ip: string]> = SERVICE_VM_NAMES.filter((vm) => vm !== ROUTER_VM)
  .map((vm) => [vm, `192.168.100.${REFERENCE_VMS[vm].hostOffset}`] as const)
  .sort((a, b) => REFERENCE_VMS[a[0]].hostOffset - REFERENCE_VMS[b[0]].hostOffset);

/** Compute nodes take .11, .12, ...; the client sits at .70, so at most 59 of them. */
const MAX_COMPUTE_NODES = 59;

export interface NicSpec {
  /** Interface name inside the host (eth0, eth1) as inventories name NICs. */
  dev: string;
  network: NetworkName;
  ip: string;
}

export interface HostSpec {
  name: string;
  role: Role;
  nics: NicSpec[];
  /** Default gateway: service VMs route via the router; nothing else gets a default route. */
  gateway?: string;
}

export interface TopologyOptions {
  /** default 3, at 198.51.100.11, .12, ... (names compute-1, compute-2, ...) */
  computeNodes?: number;
  /** default true: the nine service VMs besides the router */
  serviceVms?: boolean;
  /** default true: client (198.51.100.70) and outsider (198.51.100.200) */
  clients?: boolean;
}

export function planHosts(opts: TopologyOptions = {}): HostSpec[] {
  const computeNodes = opts.computeNodes ?? 3;
  if (!Number.isInteger(computeNodes) || computeNodes < 0 || computeNodes > MAX_COMPUTE_NODES) {
    throw new Error(`computeNodes must be a whole number from 0 to ${MAX_COMPUTE_NODES}, got ${computeNodes}`);
  }
  const publicHost = (name: string, role: Role, ip: string): HostSpec => ({
    name,
    role,
    nics: [{ dev: 'eth0', network: 'public', ip }],
  });
  const hosts: HostSpec[] = [
    {
      name: 'router',
      role: 'router',
      nics: [
        { dev: 'eth0', network: 'public', ip: ROUTER_PUBLIC_IP },
        { dev: 'eth1', network: 'management', ip: ROUTER_MANAGEMENT_IP },
      ],
    },
  ];
  if (opts.serviceVms ?? true) {
    for (const [name, ip] of SERVICE_VMS) {
      hosts.push({ name, role: 'service', nics: [{ dev: 'eth0', network: 'management', ip }], gateway: ROUTER_MANAGEMENT_IP });
    }
  }
  for (let i = 1; i <= computeNodes; i++) hosts.push(publicHost(`compute-${i}`, 'compute', `198.51.100.${10 + i}`));
  if (opts.clients ?? true) {
    hosts.push(publicHost('client', 'client', '198.51.100.70'));
    hosts.push(publicHost('outsider', 'client', '198.51.100.200'));
  }
  return hosts;
}

