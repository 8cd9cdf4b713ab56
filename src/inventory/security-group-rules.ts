// Every inbound rule the stack gives each security group, as data: the stack creates exactly
// these, and `opencloud validate` counts them against the AWS quotas and looks for duplicates
// here, so the two can never disagree.
//
// The design (README, "Security groups"): on a managed controller a compute node gets ONE rule
// per group, all traffic from its /32. Which ports a node may use is the router's business (its
// iptables forwards only GRE and the compute ports from each node's /32 to the service VMs), so
// the groups grow by one rule per node in each group, and adding or removing a node adds or
// removes only that node's rules. Client networks keep their per-port rules.
import type { Path } from './rules.ts';
import type { ClusterModel, ComputeNode, ExistingController, ManagedController } from './model.ts';
import { isWideNetwork, sshClientCidrs } from './client-networks.ts';
import { GRE_PROTOCOL, KEYSTONE_ADMIN_PORT } from './reference.ts';

/** The router's SSH port, opened to the client networks. */
export const ROUTER_SSH_PORT = 22;

/**
 * Stands for the router's public address as a rule's source: an Elastic IP known only at apply.
 * The stack puts `<address>/32` in its place.
 */
export const ROUTER_PUBLIC_ADDRESS = 'router-public-address';

/** The groups of a cluster: the stack's own (managed), or the controller's Juju-made ones (existing). */
export type GroupRole = 'router' | 'management' | 'compute' | 'gre' | 'keystone';

/** What a rule is there for, as the quota message counts it. */
export type RuleSource = 'client' | 'management' | 'vpc' | 'router' | 'node';

export interface PlannedRule {
  /** Construct id of the rule, unique within its owner (the group's shared rules, or one node's). */
  readonly id: string;
  /** 'all' is IP protocol -1 (every protocol and port); 'gre' is IP protocol 47. */
  readonly protocol: 'tcp' | 'gre' | 'all';
  /** Port for tcp; none otherwise. */
  readonly port?: number;
  /** Source network, or ROUTER_PUBLIC_ADDRESS. */
  readonly cidr: string;
  /** Shown in the console: what the rule is for and who it is for. */
  readonly description: string;
  readonly source: RuleSource;
  /** The inventory value the rule comes from, for diagnostics. */
  readonly path: Path;
}

export interface NodeRules {
  /** The compute node's name. */
  readonly node: string;
  readonly rules: readonly PlannedRule[];
}

export interface GroupRules {
  readonly role: GroupRole;
  /** How messages name the group: `the router's security group`, `security group juju-amazon-6`. */
  readonly title: string;
  /** Where in the inventory the group is decided, for the quota diagnostic. */
  readonly path: Path;
  /** The stack adds rules to a group it does not own (existing controller): only those are counted. */
  readonly foreign: boolean;
  /** Rules not tied to a compute node (client networks, the management network, the VPC). */
  readonly shared: readonly PlannedRule[];
  /** Each compute node's rules, in inventory order. */
  readonly nodes: readonly NodeRules[];
}

/** The groups each network interface of the stack's instances is attached to. */
export interface InterfaceGroups {
  /** `the router's public interface`. */
  readonly title: string;
  readonly groups: readonly GroupRole[];
}

/** Every inbound rule the stack creates, by group. Egress: each stack-owned group has one (all outbound). */
export function securityGroupRules(model: ClusterModel): readonly GroupRules[] {
  const c = model.controller;
  return c.kind === 'managed' ? managedGroups(c, model.computeNodes) : existingGroups(c, model.computeNodes);
}

/** The interfaces of the stack's instances and the groups on each (one each today). */
export function interfaceGroups(model: ClusterModel): readonly InterfaceGroups[] {
  if (model.controller.kind !== 'managed') return [];
  return [
    { title: "the router's public interface", groups: INTERFACE_GROUPS.routerPublic },
    { title: "the router's management interface", groups: INTERFACE_GROUPS.routerManagement },
    { title: "each service VM's interface", groups: INTERFACE_GROUPS.serviceVm },
    ...(model.computeNodes.some((n) => n.ec2) ? [{ title: "each EC2 compute node's interface", groups: INTERFACE_GROUPS.ec2ComputeNode }] : []),
  ];
}

/** Which groups go on which interface; the stack attaches exactly these. */
export const INTERFACE_GROUPS = {
  routerPublic: ['router'],
  routerManagement: ['management'],
  serviceVm: ['management'],
  ec2ComputeNode: ['compute'],
} as const satisfies Record<string, readonly GroupRole[]>;

/** Number of inbound rules of a group. */
export const ruleCount = (g: GroupRules): number => g.shared.length + g.nodes.reduce((n, e) => n + e.rules.length, 0);

/** `203-0-113-0-24`: a network as part of a construct id. */
const label = (cidr: string) => cidr.replace(/[./]/g, '-');

function managedGroups(c: ManagedController, nodes: readonly ComputeNode[]): GroupRules[] {
  const clientPath = (i: number): Path => ['controller', 'clientCidrs', i];
  const nodePath = (i: number): Path => ['computeNodes', i, 'publicIp'];

  // The router's group: forwarded ports and SSH from the client networks, all traffic from each node.
  const routerShared: PlannedRule[] = [];
  for (const f of c.forwards) {
    c.clientCidrs.forEach((cidr, i) =>
      routerShared.push({
        id: `forward-${f.port}-from-${label(cidr)}`,
        protocol: 'tcp',
        port: f.port,
        cidr,
        description: `port ${f.port} forwarded to ${f.vm}:${f.vmPort}, from client network ${cidr}`,
        source: 'client',
        path: clientPath(i),
      }),
    );
  }
  // SSH is never opened to a network that is "any client" by itself, whatever allowAnyClient says.
  c.clientCidrs.forEach((cidr, i) => {
    if (isWideNetwork(cidr)) return;
    routerShared.push({
      id: `ssh-from-${label(cidr)}`,
      protocol: 'tcp',
      port: ROUTER_SSH_PORT,
      cidr,
      description: `SSH ${ROUTER_SSH_PORT} to the Juju/router VM, from client network ${cidr}`,
      source: 'client',
      path: clientPath(i),
    });
  });

  // The management group: the network itself, the forwarded VM ports from the client networks
  // (the router's DNAT keeps the client's address), all traffic from each node (likewise).
  const managementShared: PlannedRule[] = [
    {
      id: 'management-network',
      protocol: 'all',
      cidr: c.managementCidr,
      description: `all traffic inside the management network ${c.managementCidr}`,
      source: 'management',
      path: ['controller', 'managementCidr'],
    },
  ];
  const vmPorts = [...new Set(c.forwards.map((f) => f.vmPort))].sort((a, b) => a - b);
  c.clientCidrs.forEach((cidr, i) => {
    for (const port of vmPorts) {
      const to = [...new Set(c.forwards.filter((f) => f.vmPort === port).map((f) => f.vm))];
      managementShared.push({
        id: `forwarded-${port}-from-${label(cidr)}`,
        protocol: 'tcp',
        port,
        cidr,
        description: `TCP ${port} on ${to.join(', ')}, forwarded by the router from client network ${cidr}`,
        source: 'client',
        path: clientPath(i),
      });
    }
  });

  const nodeRule = (n: ComputeNode, i: number, description: string): NodeRules => ({
    node: n.name,
    rules: [{ id: 'all', protocol: 'all', cidr: `${n.publicIp}/32`, description, source: 'node', path: nodePath(i) }],
  });
  const groups: GroupRules[] = [
    {
      role: 'router',
      title: "the router's security group",
      path: ['controller'],
      foreign: false,
      shared: routerShared,
      nodes: nodes.map((n, i) =>
        nodeRule(n, i, `all traffic from compute node ${n.name}; the router iptables forwards only GRE and the compute ports from it`),
      ),
    },
    {
      role: 'management',
      title: "the management network's security group",
      path: ['controller'],
      foreign: false,
      shared: managementShared,
      nodes: nodes.map((n, i) =>
        nodeRule(n, i, `all traffic from compute node ${n.name}, as the router forwards it (GRE and the compute ports only)`),
      ),
    },
  ];

  // EC2 compute nodes: their own group, the same for all of them (no per-node rule).
  if (nodes.some((n) => n.ec2)) {
    const vpcCidr = c.vpcCidr;
    groups.push({
      role: 'compute',
      title: "the EC2 compute nodes' security group",
      path: ['controller', 'clientCidrs'],
      foreign: false,
      shared: [
        { id: 'vpc', protocol: 'all', cidr: vpcCidr, description: `all traffic from the cluster VPC ${vpcCidr}`, source: 'vpc', path: ['controller', 'vpcCidr'] },
        {
          id: 'router',
          protocol: 'all',
          cidr: ROUTER_PUBLIC_ADDRESS,
          description: 'all traffic from the Juju/router public address',
          source: 'router',
          path: ['controller'],
        },
        ...sshClientCidrs(c.clientCidrs).map(
          (cidr, i): PlannedRule => ({
            id: `ssh-${i}`,
            protocol: 'tcp',
            port: 22,
            cidr,
            description: `SSH from client network ${cidr}`,
            source: 'client',
            path: clientPath(c.clientCidrs.indexOf(cidr)),
          }),
        ),
      ],
      nodes: [],
    });
  }
  return groups;
}

function existingGroups(c: ExistingController, nodes: readonly ComputeNode[]): GroupRules[] {
  const nodePath = (i: number): Path => ['computeNodes', i, 'publicIp'];
  return [
    {
      role: 'gre',
      title: `security group ${c.greSecurityGroup}`,
      path: ['controller', 'greSecurityGroup'],
      foreign: true,
      shared: [],
      nodes: nodes.map((n, i) => ({
        node: n.name,
        rules: [
          {
            id: `${n.name}-gre`,
            protocol: 'gre',
            cidr: `${n.publicIp}/32`,
            description: `GRE (IP protocol ${GRE_PROTOCOL}) to the neutron gateway, from compute node ${n.name}`,
            source: 'node',
            path: nodePath(i),
          },
        ],
      })),
    },
    {
      role: 'keystone',
      title: `security group ${c.keystoneSecurityGroup}`,
      path: ['controller', 'keystoneSecurityGroup'],
      foreign: true,
      shared: [],
      nodes: nodes.map((n, i) => ({
        node: n.name,
        rules: [
          {
            id: `${n.name}-keystone-${KEYSTONE_ADMIN_PORT}`,
            protocol: 'tcp',
            port: KEYSTONE_ADMIN_PORT,
            cidr: `${n.publicIp}/32`,
            description: `TCP ${KEYSTONE_ADMIN_PORT} keystone admin API, from compute node ${n.name}`,
            source: 'node',
            path: nodePath(i),
          },
        ],
      })),
    },
  ];
}
