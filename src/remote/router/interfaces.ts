// Which of the router's interfaces is public and which is on the management network, found from
// the router's own addresses and routes rather than from names (eth0/ens5 differ by image).
//
// Management: the interface carrying the router's management address (a stack output), or else
// any address inside managementCidr. Public: the interface carrying router_public_ip when one does
// (the lab, a physical head node); in AWS it does not (the public IP is an Elastic IP translated by
// AWS to the private address of the public subnet), so then the interface of the default route,
// and failing that the one with an address inside publicSubnetCidr.
import { containsCidr } from 'cidr-tools';

export interface InterfaceAddress {
  readonly dev: string;
  readonly ip: string;
  readonly prefix: number;
}

/** Parses `ip -4 -o addr show`: `2: eth0    inet 192.168.100.10/24 brd ... scope global eth0\ ...`. */
export function parseAddresses(text: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line.trim());
    if (m) out.push({ dev: m[1]!.replace(/@.*$/, ''), ip: m[2]!, prefix: Number(m[3]) });
  }
  return out;
}

/** Parses `ip -4 route show default`: the device of the first default route, if any. */
export function parseDefaultRouteDevice(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^default\b.*\bdev\s+(\S+)/.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}

export interface InterfaceFacts {
  readonly addresses: readonly InterfaceAddress[];
  readonly defaultRouteDevice?: string;
}

export interface InterfaceHints {
  readonly managementIp: string;
  readonly managementCidr: string;
  readonly publicIp?: string;
  readonly publicSubnetCidr?: string;
}

export interface RouterInterfaces {
  readonly public: string;
  readonly management: string;
  /** How the public one was found, for the operator. */
  readonly publicFoundBy: 'public address' | 'default route' | 'public subnet';
}

export class InterfaceError extends Error {
  override name = 'InterfaceError';
}

export function findRouterInterfaces(facts: InterfaceFacts, hints: InterfaceHints): RouterInterfaces {
  const inNet = (cidr: string) => (a: InterfaceAddress) => a.dev !== 'lo' && containsCidr(cidr, a.ip);
  const listing = facts.addresses.map((a) => `${a.dev} ${a.ip}/${a.prefix}`).join(', ') || 'none';
  const management =
    facts.addresses.find((a) => a.ip === hints.managementIp)?.dev ?? facts.addresses.find(inNet(hints.managementCidr))?.dev;
  if (!management) {
    throw new InterfaceError(`no interface carries the management address ${hints.managementIp} or one in ${hints.managementCidr} (addresses: ${listing})`);
  }
  const candidates: [RouterInterfaces['publicFoundBy'], string | undefined][] = [
    ['public address', hints.publicIp ? facts.addresses.find((a) => a.ip === hints.publicIp)?.dev : undefined],
    ['default route', facts.defaultRouteDevice],
    ['public subnet', hints.publicSubnetCidr ? facts.addresses.find(inNet(hints.publicSubnetCidr))?.dev : undefined],
  ];
  for (const [by, dev] of candidates) {
    if (dev && dev !== management && dev !== 'lo') return { public: dev, management, publicFoundBy: by };
  }
  throw new InterfaceError(
    `cannot tell the public interface: none carries ${hints.publicIp ?? 'the public address'}, the default route ` +
      `${facts.defaultRouteDevice ? `goes out ${facts.defaultRouteDevice} (the management interface)` : 'is missing'}` +
      `${hints.publicSubnetCidr ? `, and none has an address in ${hints.publicSubnetCidr}` : ''} (addresses: ${listing})`,
  );
}
