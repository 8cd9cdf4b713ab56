// A cluster as the guide's Figure 1 draws it, as data: boxes (VMs, nodes, networks) in areas
// laid out in columns, and the links between them. Mermaid and SVG both render this.
import type { ClusterModel, ExistingController, ManagedController } from '../inventory/model.ts';

export interface DiagramBox {
  readonly id: string;
  readonly title: string;
  readonly lines: readonly string[];
  readonly role: 'clients' | 'node' | 'router' | 'vm' | 'juju' | 'host' | 'security-group';
}

export interface DiagramArea {
  readonly id: string;
  readonly label: string;
  /** Left to right; areas of one column stack top to bottom. */
  readonly column: number;
  /** The group drawn around this area (the controller, the Install Cloud). */
  readonly group?: string;
  readonly boxes: readonly DiagramBox[];
}

export interface DiagramLink {
  /** A box id or an area id. */
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

export interface ClusterDiagram {
  readonly title: string;
  readonly groups: readonly { readonly id: string; readonly label: string }[];
  readonly areas: readonly DiagramArea[];
  readonly links: readonly DiagramLink[];
}

export function clusterDiagram(model: ClusterModel): ClusterDiagram {
  return model.controller.kind === 'managed' ? managedDiagram(model, model.controller) : existingDiagram(model, model.controller);
}

const id = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

function nodeBoxes(model: ClusterModel): DiagramBox[] {
  return model.computeNodes.map((n) => ({
    id: id('node', n.name),
    title: n.name,
    lines: [
      n.publicIp,
      'nova-compute',
      n.ec2 ? `EC2 ${n.ec2.instanceType}` : `${n.hardware.cpuCores} cores, ${n.hardware.memoryGiB} GiB, ${n.hardware.diskTiB} TiB`,
    ],
    role: 'node',
  }));
}

function managedDiagram(model: ClusterModel, c: ManagedController): ClusterDiagram {
  const router = c.router;
  const vms = c.serviceVms.filter((vm) => !vm.isRouter);
  const forwardsTo = (vm: string) => c.forwards.filter((f) => f.vm === vm);
  const areas: DiagramArea[] = [
    {
      id: 'clients',
      label: 'Client networks',
      column: 0,
      boxes: c.clientCidrs.map((cidr) => ({ id: id('clients', cidr), title: cidr, lines: ['reach the forwarded ports'], role: 'clients' })),
    },
    {
      id: 'public',
      // Physical nodes sit anywhere on the Internet; only EC2 nodes are in the public subnet.
      label: 'Public network: compute nodes',
      column: 0,
      boxes: nodeBoxes(model),
    },
    {
      id: 'routing',
      label: 'Juju/router VM (public + management)',
      column: 1,
      group: 'controller',
      boxes: [
        {
          id: id('vm', router.name),
          title: `${router.name} (router)`,
          lines: [`public: Elastic IP in ${c.publicSubnetCidr}`, `management: ${router.ip}`, 'Juju state server', `${router.instanceType}, ${router.diskGiB} GB`],
          role: 'router',
        },
      ],
    },
    {
      id: 'management',
      label: `Management network ${c.managementCidr}`,
      column: 2,
      group: 'controller',
      boxes: vms.map((vm) => ({
        id: id('vm', vm.name),
        title: vm.name,
        lines: [
          vm.ip,
          ...(vm.charms.length > 0 && vm.charms.join(', ') !== vm.name ? [vm.charms.join(', ')] : []),
          `${vm.instanceType}, ${vm.diskGiB} GB`,
          ...forwardsTo(vm.name).map((f) => `public :${f.port} → :${f.vmPort}`),
        ],
        role: 'vm',
      })),
    },
  ];
  const routerId = id('vm', router.name);
  const computeSummary = c.computePorts.map((p) => (p.protocol === 'gre' ? 'GRE' : `tcp ${p.port}`)).join(', ');
  const links: DiagramLink[] = [
    ...c.clientCidrs.map((cidr) => ({ from: id('clients', cidr), to: routerId, label: 'forwarded ports' })),
    ...model.computeNodes.map((n, i) => ({ from: id('node', n.name), to: routerId, ...(i === 0 ? { label: computeSummary } : {}), dashed: true })),
    ...vms
      .filter((vm) => forwardsTo(vm.name).length > 0)
      .map((vm) => ({ from: routerId, to: id('vm', vm.name), label: forwardsTo(vm.name).map((f) => `${f.port} → ${f.vmPort}`).join(', ') })),
    { from: routerId, to: 'management', label: `routes ${c.managementCidr}`, dashed: true },
  ];
  return {
    title: `${model.name}: managed controller in ${model.region}, ${model.computeNodes.length} compute node${model.computeNodes.length === 1 ? '' : 's'}`,
    groups: [{ id: 'controller', label: `Controller (VPC ${c.vpcCidr}, ${model.region})` }],
    areas,
    links,
  };
}

function existingDiagram(model: ClusterModel, c: ExistingController): ClusterDiagram {
  const jujuEntry = c.hosts.find((h) => h.ip === c.jujuHost);
  const jujuId = 'juju_host';
  // Groups next to the nodes, the Juju VM under them: no link crosses a box.
  const areas: DiagramArea[] = [
    { id: 'nodes', label: 'Compute nodes (public network)', column: 0, boxes: nodeBoxes(model) },
    {
      id: 'security-groups',
      label: `Security groups${c.vpcId ? ` in ${c.vpcId}` : ''}`,
      column: 1,
      group: 'install-cloud',
      boxes: [
        { id: 'sg_gre', title: c.greSecurityGroup, lines: ['GRE (IP protocol 47)', "from each node's /32", 'neutron gateway'], role: 'security-group' },
        { id: 'sg_keystone', title: c.keystoneSecurityGroup, lines: ['TCP 35357', "from each node's /32", 'keystone'], role: 'security-group' },
      ],
    },
    {
      id: 'juju',
      label: 'Juju VM',
      column: 1,
      group: 'install-cloud',
      boxes: [{ id: jujuId, title: 'Juju VM', lines: [c.jujuHost, ...(jujuEntry?.names ?? []), `juju commands as ${c.jujuUser}`], role: 'juju' }],
    },
    {
      id: 'install-cloud-hosts',
      label: 'Controller services (/etc/hosts on every node)',
      column: 2,
      group: 'install-cloud',
      boxes: c.hosts
        .filter((h) => h !== jujuEntry)
        .map((h, i): DiagramBox => ({ id: id('host', `${i}_${h.ip}`), title: shortName(h.names), lines: [h.ip, ...h.names.filter((n) => n !== shortName(h.names))], role: 'host' })),
    },
  ];
  const links: DiagramLink[] = model.computeNodes.flatMap((n) => [
    { from: id('node', n.name), to: 'sg_gre', label: 'GRE' },
    { from: id('node', n.name), to: 'sg_keystone', label: 'tcp 35357' },
    { from: jujuId, to: id('node', n.name), label: 'juju add-machine ssh:', dashed: true },
  ]);
  return {
    title: `${model.name}: existing controller (Install Cloud) in ${model.region}, ${model.computeNodes.length} compute node${model.computeNodes.length === 1 ? '' : 's'}`,
    groups: [{ id: 'install-cloud', label: `Install Cloud (existing controller, ${model.region})` }],
    areas,
    links,
  };
}

/** The alias the guide uses (`keystone.amazon`), else the first name. */
function shortName(names: readonly string[]): string {
  return names.find((n) => n.endsWith('.amazon')) ?? names[0] ?? '?';
}
