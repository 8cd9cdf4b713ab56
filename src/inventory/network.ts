// Address arithmetic on IPv4 networks, on top of cidr-tools and ip-bigint.
import { containsCidr, overlapCidr, parseCidr } from 'cidr-tools';
import { parseIp, stringifyIp } from 'ip-bigint';

/** The address `offset` places after the network address of `cidr`. */
export function hostAddress(cidr: string, offset: number): string {
  return stringifyIp({ number: parseCidr(cidr).start + BigInt(offset), version: 4 });
}

/** Number of addresses in the network. */
export function networkSize(cidr: string): number {
  const { start, end } = parseCidr(cidr);
  return Number(end - start + 1n);
}

/** Where `ip` sits in `cidr`, counted from the network address; -1 when outside. */
export function offsetInNetwork(cidr: string, ip: string): number {
  const { start, end } = parseCidr(cidr);
  const n = parseIp(ip).number;
  return n < start || n > end ? -1 : Number(n - start);
}

/**
 * Why AWS will not hand out `ip` in a subnet (the network address, the VPC router, DNS,
 * one reserved for future use, and the broadcast address), or undefined when it may.
 */
export function awsReservedReason(cidr: string, ip: string): string | undefined {
  const offset = offsetInNetwork(cidr, ip);
  const last = networkSize(cidr) - 1;
  const reasons = ['the network address', "the VPC router's", "the VPC DNS server's", 'reserved by AWS for future use'];
  if (offset >= 0 && offset < reasons.length) return reasons[offset];
  if (offset === last) return 'the broadcast address';
  return undefined;
}

/** True when `cidr` is the network address of its prefix (192.168.100.0/24, not 192.168.100.7/24). */
export function isNetworkAddress(cidr: string): boolean {
  const [ip] = cidr.split('/');
  return parseCidr(cidr).start === parseIp(ip ?? '').number;
}

export const contains = (outer: string, inner: string): boolean => containsCidr(outer, inner);
export const overlaps = (a: string, b: string): boolean => overlapCidr(a, b);
export const isAnyAddress = (cidr: string): boolean => parseCidr(cidr).start === 0n && parseCidr(cidr).end === 0xffffffffn;
