// Who the router's forwarded ports (and its SSH) are opened to, judged by coverage, not by
// spelling: 0.0.0.0/0 is "any client", and so is 0.0.0.0/1 + 128.0.0.0/1, or 0.0.0.0/2 beside a
// few more. Validation, the stack (client firewall and policy), the router's ruleset and the
// diff's warnings all ask here, so no guard can be passed by writing the world another way.
import { mergeCidr, parseCidr } from 'cidr-tools';

/**
 * The threshold: client networks that together cover a /4's worth of IPv4 or more (1/16 of all
 * addresses, 268,435,456) are "any client". Far above any real client network (all of RFC 1918
 * together is 17.9 million addresses), far below what would deserve the name "restricted".
 */
export const ANY_CLIENT_PREFIX = 4;
const ANY_CLIENT_ADDRESSES = 1n << BigInt(32 - ANY_CLIENT_PREFIX);

/** How many IPv4 addresses the networks cover together (overlaps counted once). */
export function coveredAddresses(cidrs: readonly string[]): bigint {
  return mergeCidr([...cidrs]).reduce((n, c) => {
    const { start, end } = parseCidr(c);
    return n + (end - start + 1n);
  }, 0n);
}

/** The networks together reach "any client" (see ANY_CLIENT_PREFIX). */
export function coversAnyClient(cidrs: readonly string[]): boolean {
  return coveredAddresses(cidrs) >= ANY_CLIENT_ADDRESSES;
}

/** This network alone is "any client". */
export function isWideNetwork(cidr: string): boolean {
  return coversAnyClient([cidr]);
}

/** The share of IPv4 the networks cover, for messages: `50%`, `6.25%`. */
export function shareOfIpv4(cidrs: readonly string[]): string {
  const percent = Number((coveredAddresses(cidrs) * 1_000_000n) / (1n << 32n)) / 10_000;
  return `${percent}%`;
}

/**
 * The client networks SSH to the router is opened to: every one that is not "any client" by
 * itself. SSH is never opened to the world, whatever allowAnyClient says.
 */
export function sshClientCidrs(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => !isWideNetwork(c));
}
