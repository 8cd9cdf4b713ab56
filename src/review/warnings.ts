// The changes a reviewer must not miss in a long diff: an instance destroyed or rebuilt (its
// disk and everything Juju put on it lost), and a port opened to a network that had none.
import { showValue, type AttributeChange } from './flatten.ts';
import { coversAnyClient, isWideNetwork, shareOfIpv4 } from '../inventory/client-networks.ts';
import { describeRule, isNetwork, isWorld, rulesOf, type SecurityRule } from '../terraform/security-rules.ts';
import { isObject, type JsonObject, type TerraformDocument } from '../terraform/terraform-json.ts';
import type { ResourceDiff, StackDiff } from './stack-diff.ts';

export type WarningKind = 'destroy' | 'replace' | 'restart' | 'root-volume' | 'open-network' | 'open-world';

export interface Warning {
  readonly kind: WarningKind;
  readonly stack: string;
  /** The resource at stake (an instance), or the network a port opens to. */
  readonly subject: string;
  readonly message: string;
}

/** Attributes whose change makes Terraform destroy the instance and create a new one. */
const REPLACING = ['ami', 'subnet_id', 'private_ip', 'key_name', 'availability_zone', 'network_interface', 'placement_group', 'tenancy'];
/** Root volume attributes AWS changes in place; any other root volume change replaces the instance. */
const ROOT_VOLUME_IN_PLACE = ['volume_size', 'volume_type', 'iops', 'throughput', 'tags'];

type StackChanges = Pick<StackDiff, 'name' | 'resources'>;

export function stackWarnings(stack: StackChanges, before: TerraformDocument, after: TerraformDocument): Warning[] {
  return [...instanceWarnings(stack, after), ...openingWarnings(stack, before), ...coverageWarnings(stack.name, before, after)];
}

function instanceWarnings(stack: StackChanges, after: TerraformDocument): Warning[] {
  const warnings: Warning[] = [];
  const warn = (kind: WarningKind, r: ResourceDiff, message: string) =>
    warnings.push({ kind, stack: stack.name, subject: r.address, message: `${label(r, after)} ${message}` });
  const changedAmis = stack.resources.filter((r) => r.type === 'aws_ami' && r.mode === 'data' && r.action !== 'add');
  for (const r of stack.resources) {
    if (r.type !== 'aws_instance' || r.mode !== 'resource') continue;
    if (r.action === 'remove') {
      warn('destroy', r, 'is destroyed');
      continue;
    }
    if (r.action !== 'change') continue;
    const replacing = r.changes.filter((c) => isReplacing(c.path));
    if (replacing.length > 0) warn('replace', r, `is replaced (destroyed and created anew): ${list(replacing)}`);
    const type = r.changes.filter((c) => c.path === 'instance_type');
    if (type.length > 0) warn('restart', r, `is stopped and restarted to change its type: ${list(type)}`);
    const volume = r.changes.filter((c) => isRootVolume(c.path) && !isReplacing(c.path));
    if (volume.length > 0) warn('root-volume', r, `has its root volume modified: ${list(volume)}`);
  }
  // An instance whose AMI comes from a lookup that changed gets whatever image the new lookup finds.
  for (const ami of changedAmis) {
    const ref = `\${data.aws_ami.${ami.name}.id}`;
    for (const [name, body] of instancesOf(after)) {
      if (body.ami !== ref) continue;
      const address = `aws_instance.${name}`;
      if (warnings.some((w) => w.subject === address && w.kind === 'replace')) continue;
      warnings.push({ kind: 'replace', stack: stack.name, subject: address, message: `${address}${nameTag(body)} may be replaced: its AMI lookup ${ami.address} changes` });
    }
  }
  return warnings;
}

const isRootVolume = (path: string) => /^root_block_device(\[\d+\])?\./.test(path);

function isReplacing(path: string): boolean {
  if (isRootVolume(path)) {
    const leaf = path.replace(/^root_block_device(\[\d+\])?\./, '').split(/[.[]/)[0]!;
    return !ROOT_VOLUME_IN_PLACE.includes(leaf);
  }
  const top = path.split(/[.[]/)[0]!;
  return REPLACING.includes(top);
}

/** Ingress rules added from a network that no ingress rule of the base admitted. */
function openingWarnings(stack: StackChanges, before: TerraformDocument): Warning[] {
  const known = new Set(allRules(before).filter((r) => r.direction === 'ingress').map((r) => r.peer));
  // peer -> group -> what it opens, so one new node reads as one warning.
  const opened = new Map<string, Map<string, SecurityRule[]>>();
  for (const r of stack.resources) {
    for (const change of r.rules) {
      const rule = change.rule;
      if (change.action !== 'add' || rule.direction !== 'ingress' || !isNetwork(rule.peer) || known.has(rule.peer)) continue;
      const groups = opened.get(rule.peer) ?? new Map<string, SecurityRule[]>();
      groups.set(rule.group, [...(groups.get(rule.group) ?? []), rule]);
      opened.set(rule.peer, groups);
    }
  }
  return [...opened].map(([peer, groups]): Warning => {
    // By coverage, like every other guard: 0.0.0.0/1 is half the internet, not "a new network".
    const world = isWorld(peer) || (!peer.includes(':') && isWideNetwork(peer));
    const what = [...groups].map(([group, rules]) => `${portsOf(rules)} on ${group}`).join('; ');
    return {
      kind: world ? 'open-world' : 'open-network',
      stack: stack.name,
      subject: peer,
      message: `${world ? 'opens to the whole internet' : 'opens to a new network'} ${peer}: ${what}`,
    };
  });
}

/**
 * Ports whose IPv4 networks, each narrow, now add up to "any client" (0.0.0.0/1 + 128.0.0.0/1),
 * where the base's did not: the world by another name.
 */
function coverageWarnings(stack: string, before: TerraformDocument, after: TerraformDocument): Warning[] {
  const peersByPort = (doc: TerraformDocument) => {
    const m = new Map<string, { rule: SecurityRule; peers: string[] }>();
    for (const r of allRules(doc)) {
      if (r.direction !== 'ingress' || !isNetwork(r.peer) || r.peer.includes(':') || isWideNetwork(r.peer)) continue;
      // Stryker disable next-line StringLiteral: any one stand-in for the peer makes the same key.
      const key = `${r.group}|${describeRule({ ...r, peer: '' })}`;
      const e = m.get(key) ?? { rule: r, peers: [] };
      e.peers.push(r.peer);
      m.set(key, e);
    }
    // All traffic (IP protocol -1) opens every port of its group: its networks count toward each port's.
    const allTraffic = new Map([...m.values()].filter((e) => e.rule.protocol === 'all').map((e) => [e.rule.group, e.peers]));
    for (const e of m.values()) if (e.rule.protocol !== 'all') e.peers.push(...(allTraffic.get(e.rule.group) ?? []));
    return m;
  };
  const base = peersByPort(before);
  const head = peersByPort(after);
  // A port opened only because the group's all-traffic networks cover the world is that warning, not one per port.
  const allTrafficCovers = (group: string) =>
    [...head.values()].some((e) => e.rule.group === group && e.rule.protocol === 'all' && coversAnyClient(e.peers));
  return [...head]
    .filter(([key, { rule, peers }]) => coversAnyClient(peers) && !coversAnyClient(base.get(key)?.peers ?? []) && !(rule.protocol !== 'all' && allTrafficCovers(rule.group)))
    .map(([, { rule, peers }]) => ({
      kind: 'open-world' as const,
      stack,
      subject: peers.join(' + '),
      message: `opens to ${shareOfIpv4(peers)} of the internet through ${peers.length} networks (${peers.join(', ')}): ${portsOf([rule])} on ${rule.group}`,
    }));
}

/** `gre, tcp 22, tcp 3306`: protocols by name, ports by number. */
function portsOf(rules: readonly SecurityRule[]): string {
  const sorted = [...rules].sort((a, b) => a.protocol.localeCompare(b.protocol) || (a.fromPort ?? -1) - (b.fromPort ?? -1));
  // Stryker disable next-line Regex: `.*` runs to the end of the one-line text with or without `$`.
  return sorted.map((r) => describeRule(r).replace(/ from .*$/, '')).join(', ');
}

function allRules(doc: TerraformDocument) {
  const byType = doc.resource;
  if (!isObject(byType)) return [];
  return Object.entries(byType).flatMap(([type, byName]) =>
    isObject(byName) ? Object.entries(byName).flatMap(([name, body]) => (isObject(body) ? rulesOf(type, name, body, doc) : [])) : [],
  );
}

function instancesOf(doc: TerraformDocument): [string, JsonObject][] {
  const byName = isObject(doc.resource) ? doc.resource.aws_instance : undefined;
  return isObject(byName) ? Object.entries(byName).filter((e): e is [string, JsonObject] => isObject(e[1])) : [];
}

/** `aws_instance.x (keystone)` with the Name tag, which is what operators call the VM. */
function label(r: ResourceDiff, after: TerraformDocument): string {
  const body = instancesOf(after).find(([name]) => name === r.name)?.[1];
  const tag = body ? body.tags : undefined;
  const name = isObject(tag) ? tag.Name : r.changes.find((c) => c.path === 'tags.Name')?.before;
  return typeof name === 'string' ? `${r.address} (${name})` : r.address;
}

function nameTag(body: JsonObject): string {
  const tags = body.tags;
  return isObject(tags) && typeof tags.Name === 'string' ? ` (${tags.Name})` : '';
}

const list = (changes: readonly AttributeChange[]) => changes.map((c) => `${c.path} ${showValue(c.before)} -> ${showValue(c.after)}`).join('; ');
