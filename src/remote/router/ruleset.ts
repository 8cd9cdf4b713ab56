// The Juju/router's iptables ruleset, as data. Every rule lives in chains of the project's own,
// jumped to once from the built-in chains, so the whole ruleset can be flushed and refilled in one
// `iptables-restore --noflush` transaction: a re-run never duplicates a rule and never leaves the
// router open (or closed) half-way. Rules are written exactly as `iptables-save` prints them, so
// comparing the saved chains with these lines is a plain string comparison.
import { coversAnyClient, shareOfIpv4 } from '../../inventory/client-networks.ts';
import { parseCidr } from 'cidr-tools';
import { stringifyIp } from 'ip-bigint';

export type Table = 'nat' | 'filter';

/** Our chains, and the built-in chain each top-level one is jumped to from. */
export const CHAINS = {
  dnat: 'OPENCLOUD-DNAT',
  dnatCompute: 'OPENCLOUD-DNAT-COMPUTE',
  dnatClient: 'OPENCLOUD-DNAT-CLIENT',
  snat: 'OPENCLOUD-SNAT',
  forward: 'OPENCLOUD-FORWARD',
  forwardCompute: 'OPENCLOUD-FWD-COMPUTE',
  forwardClient: 'OPENCLOUD-FWD-CLIENT',
  input: 'OPENCLOUD-INPUT',
  inputCompute: 'OPENCLOUD-IN-COMPUTE',
} as const;

/** Every chain whose name starts with this is ours (stale ones are removed). */
export const CHAIN_PREFIX = 'OPENCLOUD-';

export interface Jump {
  readonly from: 'PREROUTING' | 'POSTROUTING' | 'FORWARD' | 'INPUT' | 'OUTPUT';
  readonly to: string;
}

export interface TableRuleset {
  /** Our chains in this table, in declaration order (every one declared, even when empty). */
  readonly chains: readonly string[];
  /** `-A CHAIN ...` lines, in order, exactly as iptables-save prints them. */
  readonly rules: readonly string[];
  /** Jumps from built-in chains into ours, each wanted exactly once. */
  readonly jumps: readonly Jump[];
}

export type Ruleset = Readonly<Record<Table, TableRuleset>>;

export interface RouterForward {
  /** Port on the router's public interface. */
  readonly port: number;
  readonly vmIp: string;
  readonly vmPort: number;
}

export interface RouterComputePort {
  readonly protocol: 'tcp' | 'gre';
  readonly port?: number;
  readonly vmIp: string;
}

export interface RulesetInput {
  /** Interface facing the clients and compute nodes (carries the public subnet's address). */
  readonly publicInterface: string;
  /** Interface on the management network. */
  readonly managementInterface: string;
  readonly managementCidr: string;
  readonly forwards: readonly RouterForward[];
  readonly computePorts: readonly RouterComputePort[];
  /** The compute nodes' public addresses: each gets the compute ports, from its /32 only. */
  readonly computeNodeIps: readonly string[];
  /**
   * TCP ports of the router itself the compute nodes may reach (the Juju API: the Juju VM is the
   * router). Everything else a node sends to the router is dropped, and these ports are dropped
   * from any other source on the public side. Default: none.
   */
  readonly computeRouterPorts?: readonly number[];
  readonly clientCidrs: readonly string[];
  /** Lets a /0 client network through; otherwise it is refused here too, not only by the schema. */
  readonly allowAnyClient: boolean;
}

export class RulesetError extends Error {
  override name = 'RulesetError';
}

const SSH_PORT = 22;

const INTERFACE = /^[A-Za-z0-9_.:@-]{1,15}$/;

/** The ruleset the router must have. Throws RulesetError on input that would open it wrongly. */
export function buildRuleset(input: RulesetInput): Ruleset {
  const pub = iface(input.publicInterface, 'public');
  const mgmt = iface(input.managementInterface, 'management');
  if (pub === mgmt) throw new RulesetError(`public and management interface are both ${pub}`);
  const management = cidr(input.managementCidr);
  const clients = unique(input.clientCidrs.map(cidr));
  // Judged on the normalized networks, by coverage: 10.0.0.0/0 or two /1s are the world too.
  if (!input.allowAnyClient && coversAnyClient(clients)) {
    throw new RulesetError(`client networks ${input.clientCidrs.join(', ')} open the forwarded ports to the whole Internet (${shareOfIpv4(clients)} of IPv4); allowAnyClient is not set`);
  }
  const nodes = unique(input.computeNodeIps.map((ip) => `${address(ip)}/32`));
  const C = CHAINS;

  // A source match as iptables-save prints it: none for the whole Internet.
  const from = (src: string) => (src === '0.0.0.0/0' ? '' : `-s ${src} `);
  const tcp = (port: number) => `-p tcp -m tcp --dport ${portNumber(port)}`;

  // nat: traffic addressed to the router itself (addrtype LOCAL: in AWS the public interface carries
  // the private address the Elastic IP is translated to) from a compute node or a client network
  // goes to that source's chain; a chain without a match returns, so a compute node that is also
  // in a client network gets the client forwards too.
  const dnat = [
    ...nodes.map((n) => `-A ${C.dnat} ${from(n)}-i ${pub} -m addrtype --dst-type LOCAL -j ${C.dnatCompute}`),
    ...clients.map((c) => `-A ${C.dnat} ${from(c)}-i ${pub} -m addrtype --dst-type LOCAL -j ${C.dnatClient}`),
  ];
  const dnatCompute = unique(
    input.computePorts.map((p) =>
      p.protocol === 'gre'
        ? `-A ${C.dnatCompute} -p gre -j DNAT --to-destination ${address(p.vmIp)}`
        : `-A ${C.dnatCompute} ${tcp(requiredPort(p))} -j DNAT --to-destination ${address(p.vmIp)}:${requiredPort(p)}`,
    ),
  );
  const dnatClient = unique(
    input.forwards.map((f) => `-A ${C.dnatClient} ${tcp(f.port)} -j DNAT --to-destination ${address(f.vmIp)}:${portNumber(f.vmPort)}`),
  );
  // The management network's own traffic out to the Internet (packages, charms) leaves as the router.
  const snat = [`-A ${C.snat} -s ${management} -o ${pub} -j MASQUERADE`];

  // filter: replies first, but only of flows a source still allowed began (the management network,
  // each compute node, each client network): once a node or client network leaves the inventory,
  // the next ruleset update cuts its established flows both ways, with no conntrack flush. Then
  // the management network may go out; from the public side only the compute nodes (their ports)
  // and the client networks (the forwarded ports) get in; anything else from the public side to the
  // management network is dropped.
  const origins = unique([management, ...nodes, ...clients]);
  const flowsOf = (src: string) => (src === '0.0.0.0/0' ? '' : ` --ctorigsrc ${src.replace(/\/32$/, '')}`);
  const forward = [
    ...unique(origins.map((o) => `-A ${C.forward} -m conntrack --ctstate RELATED,ESTABLISHED${flowsOf(o)} -j ACCEPT`)),
    `-A ${C.forward} -i ${mgmt} -o ${pub} -m conntrack --ctstate RELATED,ESTABLISHED -j DROP`,
    `-A ${C.forward} -s ${management} -i ${mgmt} -o ${pub} -j ACCEPT`,
    ...nodes.map((n) => `-A ${C.forward} ${from(n)}-i ${pub} -o ${mgmt} -j ${C.forwardCompute}`),
    ...clients.map((c) => `-A ${C.forward} ${from(c)}-i ${pub} -o ${mgmt} -j ${C.forwardClient}`),
    `-A ${C.forward} -i ${pub} -o ${mgmt} -j DROP`,
  ];
  const forwardCompute = unique(
    input.computePorts.map((p) =>
      p.protocol === 'gre'
        ? `-A ${C.forwardCompute} -d ${address(p.vmIp)}/32 -p gre -j ACCEPT`
        : `-A ${C.forwardCompute} -d ${address(p.vmIp)}/32 ${tcp(requiredPort(p))} -j ACCEPT`,
    ),
  );
  const forwardClient = unique(input.forwards.map((f) => `-A ${C.forwardClient} -d ${address(f.vmIp)}/32 ${tcp(f.vmPort)} -j ACCEPT`));

  const routerPorts = unique(input.computeRouterPorts ?? []);
  // The router itself: a compute node may reach only its router ports (the Juju API); the security
  // group lets all of a node's traffic in, so this is where that is narrowed. Replies to what the
  // router opened (Juju's SSH to a node) pass, and only those: a flow a node began is judged packet
  // by packet below, so a removed node loses its Juju API connection at the next update, as in
  // FORWARD. SSH from a client network passes before the nodes' drop, so a node address inside a
  // client network never locks that network out. The management interface is never matched.
  const inputRules = [
    `-A ${C.input} -m conntrack --ctstate RELATED,ESTABLISHED --ctdir REPLY -j ACCEPT`,
    ...clients.map((c) => `-A ${C.input} ${from(c)}-i ${pub} ${tcp(SSH_PORT)} -j ACCEPT`),
    ...nodes.map((n) => `-A ${C.input} ${from(n)}-i ${pub} -j ${C.inputCompute}`),
    // The router ports are the nodes' only: nobody else on the public side reaches them.
    ...routerPorts.map((p) => `-A ${C.input} -i ${pub} ${tcp(p)} -j DROP`),
  ];
  const inputCompute = [...routerPorts.map((p) => `-A ${C.inputCompute} ${tcp(p)} -j ACCEPT`), `-A ${C.inputCompute} -j DROP`];

  return {
    nat: {
      chains: [C.dnat, C.dnatCompute, C.dnatClient, C.snat],
      rules: [...dnat, ...dnatCompute, ...dnatClient, ...snat],
      jumps: [
        { from: 'PREROUTING', to: C.dnat },
        { from: 'POSTROUTING', to: C.snat },
      ],
    },
    filter: {
      chains: [C.forward, C.forwardCompute, C.forwardClient, C.input, C.inputCompute],
      rules: [...forward, ...forwardCompute, ...forwardClient, ...inputRules, ...inputCompute],
      jumps: [
        { from: 'FORWARD', to: C.forward },
        { from: 'INPUT', to: C.input },
      ],
    },
  };
}

/** The jump rule as iptables-save prints it. */
export const jumpRule = (j: Jump) => `-A ${j.from} -j ${j.to}`;

function iface(name: string, what: string): string {
  if (!INTERFACE.test(name)) throw new RulesetError(`${what} interface ${JSON.stringify(name)} is not an interface name`);
  return name;
}

/** A network in the form iptables-save prints: network address and prefix length. */
function cidr(value: string): string {
  let parsed;
  try {
    parsed = parseCidr(value);
  } catch {
    throw new RulesetError(`${JSON.stringify(value)} is not an IPv4 network`);
  }
  if (parsed.version !== 4) throw new RulesetError(`${value} is not an IPv4 network`);
  return `${stringifyIp({ number: parsed.start, version: 4 })}/${parsed.prefix}`;
}

function address(ip: string): string {
  const [net] = cidr(`${ip}/32`).split('/');
  if (net !== ip) throw new RulesetError(`${JSON.stringify(ip)} is not an IPv4 address`);
  return ip;
}

function portNumber(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RulesetError(`${port} is not a port number`);
  return port;
}

function requiredPort(p: RouterComputePort): number {
  if (p.port === undefined) throw new RulesetError(`a tcp compute port needs a port number (to ${p.vmIp})`);
  return portNumber(p.port);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
