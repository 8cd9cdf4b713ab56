// Security-group rules as a person (and the stack policy) reads them: `tcp 35357 from 198.51.100.11/32`, whichever of
// the three AWS provider spellings the stack used (inline `ingress`/`egress` blocks of
// aws_security_group, aws_security_group_rule, aws_vpc_security_group_{ingress,egress}_rule).
import { isObject, type JsonObject, type JsonValue, type TerraformDocument } from './terraform-json.ts';

export interface SecurityRule {
  readonly direction: 'ingress' | 'egress';
  /** tcp, udp, icmp, gre, all, or an IP protocol number. */
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** A CIDR, a security group (its name when the stack knows it), `self` or a prefix list. */
  readonly peer: string;
  /** The security group the rule belongs to. */
  readonly group: string;
  readonly description?: string;
}

/** Resource types whose whole meaning is one or more rules. */
export const RULE_RESOURCE_TYPES = new Set([
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

/** Attributes of a resource that the rules already say; the attribute diff leaves them out. */
export function isRuleAttribute(type: string, path: string): boolean {
  const top = path.split(/[.[]/)[0] ?? path;
  if (type === 'aws_security_group') return top === 'ingress' || top === 'egress';
  if (!RULE_RESOURCE_TYPES.has(type)) return false;
  return RULE_ATTRIBUTES.has(top);
}

const RULE_ATTRIBUTES = new Set([
  'type', 'protocol', 'ip_protocol', 'from_port', 'to_port', 'cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6',
  'source_security_group_id', 'referenced_security_group_id', 'self', 'prefix_list_ids', 'prefix_list_id', 'security_group_id',
  'description',
]);

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '-1': 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '47': 'gre', '58': 'icmpv6' };

/** The IP protocol number of a rule's protocol name (`gre` -> `47`); other names as they are. */
export function protocolNumber(name: string): string {
  return Object.entries(PROTOCOL_NAMES).find(([, n]) => n === name)?.[0] ?? name;
}

/** The rules a resource states, or none when it is not a security group or a rule. */
export function rulesOf(type: string, name: string, body: JsonObject, doc: TerraformDocument): SecurityRule[] {
  if (type === 'aws_security_group') {
    const group = groupName(`${type}.${name}`, body);
    return (['ingress', 'egress'] as const).flatMap((direction) =>
      // Stryker disable next-line MethodExpression: a block that is not an object has no sources, so no rules.
      asList(body[direction]).filter(isObject).flatMap((block) => blockRules(direction, block, group, doc)),
    );
  }
  if (type === 'aws_security_group_rule') {
    const direction = body.type === 'egress' ? 'egress' : 'ingress';
    return blockRules(direction, body, groupLabel(body.security_group_id, doc), doc);
  }
  if (type === 'aws_vpc_security_group_ingress_rule' || type === 'aws_vpc_security_group_egress_rule') {
    const direction = type.endsWith('egress_rule') ? 'egress' : 'ingress';
    const peers = [body.cidr_ipv4, body.cidr_ipv6, body.prefix_list_id, body.referenced_security_group_id]
      .filter((p): p is string => typeof p === 'string')
      .map((p) => groupLabel(p, doc)); // a CIDR or an id comes back as it is
    return peers.map((peer) => rule(direction, body.ip_protocol, body.from_port, body.to_port, peer, groupLabel(body.security_group_id, doc), body.description));
  }
  return [];
}

/** One block (inline or aws_security_group_rule) yields a rule per source. */
function blockRules(direction: 'ingress' | 'egress', b: JsonObject, group: string, doc: TerraformDocument): SecurityRule[] {
  const peers = [
    ...strings(b.cidr_blocks),
    ...strings(b.ipv6_cidr_blocks),
    ...strings(b.prefix_list_ids),
    ...strings(b.security_groups).map((g) => groupLabel(g, doc)),
    ...(typeof b.source_security_group_id === 'string' ? [groupLabel(b.source_security_group_id, doc)] : []),
    ...(b.self === true ? ['self'] : []),
  ];
  return peers.map((peer) => rule(direction, b.protocol, b.from_port, b.to_port, peer, group, b.description));
}

function rule(
  direction: 'ingress' | 'egress',
  protocol: JsonValue | undefined,
  from: JsonValue | undefined,
  to: JsonValue | undefined,
  peer: string,
  group: string,
  description: JsonValue | undefined,
): SecurityRule {
  const p = String(protocol ?? '-1').toLowerCase();
  const name = PROTOCOL_NAMES[p] ?? p;
  // Ports mean nothing for "all" and GRE; AWS stores 0 or -1 there.
  const ported = name === 'tcp' || name === 'udp' || name === 'icmp' || name === 'icmpv6';
  return {
    direction,
    protocol: name,
    ...(ported && typeof from === 'number' ? { fromPort: from } : {}),
    ...(ported && typeof to === 'number' ? { toPort: to } : {}),
    peer,
    group,
    ...(typeof description === 'string' && description ? { description } : {}),
  };
}

/** `tcp 35357 from 198.51.100.11/32`, `gre from ...`, `all traffic from ...` (IP protocol -1), `tcp 0-65535 to ...`. */
export function describeRule(r: SecurityRule): string {
  const ports =
    r.fromPort === undefined ? '' : r.toPort === undefined || r.toPort === r.fromPort ? ` ${r.fromPort}` : ` ${r.fromPort}-${r.toPort}`;
  // "all" alone reads like a port list cut short; every protocol and port is what -1 means.
  const protocol = r.protocol === 'all' ? 'all traffic' : r.protocol;
  return `${protocol}${ports} ${r.direction === 'ingress' ? 'from' : 'to'} ${r.peer}`;
}

/** Identity of a rule: the same rule in two versions has the same key; its description may differ. */
export function ruleKey(r: SecurityRule): string {
  return `${r.group}|${r.direction}|${describeRule(r)}`;
}

/** True for a peer that is the whole IPv4 or IPv6 internet. */
export function isWorld(peer: string): boolean {
  return peer === '0.0.0.0/0' || peer === '::/0';
}

/** True for a peer that is a network (a CIDR), rather than a security group or `self`. */
export function isNetwork(peer: string): boolean {
  return /^[0-9a-f:.]+\/\d+$/i.test(peer);
}

/**
 * A group as the reader knows it: `${aws_security_group.router.id}` becomes the group's `name`
 * when the stack sets one (data sources looked up by name, e.g. juju-amazon-6), else its address.
 */
export function groupLabel(ref: JsonValue | undefined, doc: TerraformDocument): string {
  if (typeof ref !== 'string') return '(unknown group)';
  const m = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.id\}$/.exec(ref);
  if (!m) return ref;
  const [, data, type, name] = m as unknown as [string, string | undefined, string, string];
  const block = (doc[data ? 'data' : 'resource'] as JsonObject | undefined)?.[type];
  const body = isObject(block) ? block[name] : undefined;
  return groupName(`${data ?? ''}${type}.${name}`, isObject(body) ? body : {});
}

/** A group's `name`, or its `group-name` filter for a data source; its address otherwise. */
function groupName(address: string, body: JsonObject): string {
  if (typeof body.name === 'string' && !body.name.includes('${')) return body.name;
  for (const f of asList(body.filter)) {
    if (isObject(f) && f.name === 'group-name') {
      const values = strings(f.values);
      if (values.length === 1) return values[0]!;
    }
  }
  return address;
}

// Stryker disable next-line ConditionalExpression,LogicalOperator: every caller keeps only objects or strings, so [undefined] and [null] read as [].
const asList = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const strings = (v: JsonValue | undefined): string[] => asList(v).filter((x): x is string => typeof x === 'string');
