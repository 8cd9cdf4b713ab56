// A compute node's own iptables chain on a managed controller: its traffic for the management
// addresses the charms advertise (and the Juju API at the state server's management address) goes
// to the router's public address instead, where the router's compute forwards take it to the VM
// (router/ruleset.ts). The node has no route to the management network, so without it nothing the
// charms hand out is reachable: the guide's "forwarding rules ... on the nodes", and the same
// translation as the client rule (client/dnat-rule.ts), narrowed to exactly what a node needs.
//
// The chain is jumped to once from nat OUTPUT (locally generated packets: the node's own TCP and
// the GRE its Open vSwitch tunnels send); a second chain in nat INPUT gives GRE the gateway starts
// the gateway's address back (see buildNodeRuleset). It is a Ruleset like the router's, so ruleset-sync.ts
// compares it with `iptables-save` as text and rebuilds it in one `iptables-restore --noflush`.
import { isIPv4 } from 'node:net';
import { containsCidr } from 'cidr-tools';
import { CHAIN_PREFIX, RulesetError, type Ruleset } from './ruleset.ts';

export const NODE_CHAIN = `${CHAIN_PREFIX}NODE`;
/** nat INPUT: GRE the gateway starts reaches the node from the router's address (see below). */
export const NODE_INPUT_CHAIN = `${CHAIN_PREFIX}NODE-IN`;

/** One destination on the management network a node must reach. */
export interface NodeDestination {
  readonly protocol: 'tcp' | 'gre';
  /** A management address (a service VM's, or the router's for the Juju API). */
  readonly ip: string;
  /** TCP port; absent for GRE. */
  readonly port?: number;
}

export interface NodeRulesetInput {
  /** Where the node's traffic for the management network goes: the router's public address. */
  readonly routerPublicIp: string;
  /** Every destination must lie inside it: the chain never diverts other traffic. */
  readonly managementCidr: string;
  readonly destinations: readonly NodeDestination[];
}

/**
 * The node's ruleset, nat only (the filter table is left alone). GRE has no ports, so the router
 * can only masquerade GRE that the gateway sends first (its tunnel to the node) as its own public
 * address; the node's tunnel endpoint expects the gateway's management address. The INPUT chain
 * gives such packets that source back, so the tunnel matches whichever side speaks first (GRE the
 * node started comes back un-NATed by conntrack already). One GRE destination at most: GRE from
 * the router cannot be told apart by gateway.
 */
export function buildNodeRuleset(input: NodeRulesetInput): Ruleset {
  const router = ipv4(input.routerPublicIp, 'router public address');
  if (containsSafe(input.managementCidr, router)) {
    throw new RulesetError(`the router's public address ${router} lies inside the management network ${input.managementCidr}`);
  }
  const rules = [
    ...new Set(
      input.destinations.map((d) => {
        const ip = ipv4(d.ip, 'management address');
        if (!containsSafe(input.managementCidr, ip)) throw new RulesetError(`${ip} is not in the management network ${input.managementCidr}`);
        if (d.protocol === 'gre') return `-A ${NODE_CHAIN} -d ${ip}/32 -p gre -j DNAT --to-destination ${router}`;
        const port = d.port ?? NaN;
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RulesetError(`${d.port} is not a port number (to ${ip})`);
        return `-A ${NODE_CHAIN} -d ${ip}/32 -p tcp -m tcp --dport ${port} -j DNAT --to-destination ${router}`;
      }),
    ),
  ];
  const gre = [...new Set(input.destinations.filter((d) => d.protocol === 'gre').map((d) => d.ip))];
  if (gre.length > 1) throw new RulesetError(`GRE goes to one gateway only, not ${gre.join(' and ')}: GRE from the router cannot be told apart by gateway`);
  const inputRules = gre.map((ip) => `-A ${NODE_INPUT_CHAIN} -s ${router}/32 -p gre -j SNAT --to-source ${ip}`);
  return {
    nat: {
      chains: [NODE_CHAIN, NODE_INPUT_CHAIN],
      rules: [...rules, ...inputRules],
      jumps: [
        { from: 'OUTPUT', to: NODE_CHAIN },
        { from: 'INPUT', to: NODE_INPUT_CHAIN },
      ],
    },
    filter: { chains: [], rules: [], jumps: [] },
  };
}

/** How many destinations the node sends to the router (rules of the OUTPUT chain). */
export const destinationCount = (ruleset: Ruleset): number => ruleset.nat.rules.filter((r) => r.startsWith(`-A ${NODE_CHAIN} `)).length;

/**
 * A shell script that puts the chain in place whatever the table holds: the chain rebuilt in one
 * `iptables-restore --noflush` transaction, the jump added unless present. Safe to run any number
 * of times; the node's boot job runs it (node-boot.ts), since a booted kernel has empty tables.
 */
export function nodeRulesetScript(ruleset: Ruleset, header: string): string {
  const nat = ruleset.nat;
  const jumps = nat.jumps.map((j) => `iptables -t nat -C ${j.from} -j ${j.to} 2>/dev/null || iptables -t nat -I ${j.from} 1 -j ${j.to}`);
  return [
    '#!/bin/sh',
    ...header.split('\n').map((l) => `# ${l}`),
    'set -e',
    "iptables-restore --noflush <<'EOF'",
    '*nat',
    ...nat.chains.map((c) => `:${c} - [0:0]`),
    ...nat.rules,
    'COMMIT',
    'EOF',
    ...jumps,
    '',
  ].join('\n');
}

function ipv4(value: string, what: string): string {
  if (!isIPv4(value)) throw new RulesetError(`${what} ${JSON.stringify(value)} is not an IPv4 address`);
  return value;
}

function containsSafe(cidr: string, ip: string): boolean {
  try {
    return containsCidr(cidr, ip);
  } catch {
    throw new RulesetError(`${JSON.stringify(cidr)} is not an IPv4 network`);
  }
}
