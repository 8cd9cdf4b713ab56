// The OpenCloud reference facts (../shared/opencloud-reference.md) as typed data: the defaults
// every inventory starts from. Each of them stays overridable in the inventory.

/** One row of the reference table of service VMs (the originals' sizes and fixed addresses). */
export interface ServiceVmReference {
  /** Charms deployed on this VM (the Juju VM runs the state server, no charm). */
  readonly charms: readonly string[];
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  /** Smallest current EC2 type with at least these vCPUs and this memory. */
  readonly instanceType: string;
  /** Last octet reserved for the VM by the 2016 rewrite, as an offset into the management network. */
  readonly hostOffset: number;
  /** Short alias used in the compute nodes' /etc/hosts block (the guide's `<alias>.amazon`). */
  readonly hostAlias: string;
}

const SERVICE_VM_TABLE = {
  juju: { charms: [], vcpus: 1, memoryMiB: 2048, diskGiB: 20, instanceType: 't3.small', hostOffset: 10, hostAlias: 'juju' },
  mysql: { charms: ['mysql'], vcpus: 2, memoryMiB: 4096, diskGiB: 40, instanceType: 't3.medium', hostOffset: 50, hostAlias: 'mysql' },
  'rabbitmq-server': { charms: ['rabbitmq-server'], vcpus: 2, memoryMiB: 4096, diskGiB: 40, instanceType: 't3.medium', hostOffset: 110, hostAlias: 'rabbitmq' },
  keystone: { charms: ['keystone'], vcpus: 2, memoryMiB: 4096, diskGiB: 40, instanceType: 't3.medium', hostOffset: 40, hostAlias: 'keystone' },
  glance: { charms: ['glance'], vcpus: 2, memoryMiB: 4096, diskGiB: 160, instanceType: 't3.medium', hostOffset: 30, hostAlias: 'glance' },
  'nova-cloud-controller': { charms: ['nova-cloud-controller'], vcpus: 2, memoryMiB: 4096, diskGiB: 40, instanceType: 't3.medium', hostOffset: 90, hostAlias: 'nova_cc' },
  'quantum-gateway': { charms: ['quantum-gateway'], vcpus: 2, memoryMiB: 4096, diskGiB: 40, instanceType: 't3.medium', hostOffset: 70, hostAlias: 'neutron' },
  'openstack-dashboard': { charms: ['openstack-dashboard'], vcpus: 1, memoryMiB: 2048, diskGiB: 20, instanceType: 't3.small', hostOffset: 100, hostAlias: 'dashboard' },
  ceilometer: { charms: ['ceilometer', 'mongodb'], vcpus: 1, memoryMiB: 2048, diskGiB: 20, instanceType: 't3.small', hostOffset: 20, hostAlias: 'ceilometer' },
  nagios: { charms: ['nagios'], vcpus: 1, memoryMiB: 2048, diskGiB: 20, instanceType: 't3.small', hostOffset: 60, hostAlias: 'nagios' },
} satisfies Record<string, ServiceVmReference>;

export type ServiceVmName = keyof typeof SERVICE_VM_TABLE;

/** The ten service VMs on the controller's management network, in the reference table's order. */
export const SERVICE_VMS: Readonly<Record<ServiceVmName, ServiceVmReference>> = SERVICE_VM_TABLE;

/** Names of the ten service VMs, in the reference table's order. */
export const SERVICE_VM_NAMES = Object.keys(SERVICE_VMS) as readonly ServiceVmName[];

/** The VM that runs Juju and routes between the public and the management network. */
export const ROUTER_VM: ServiceVmName = 'juju';

/** The guide's example management network. */
export const DEFAULT_MANAGEMENT_CIDR = '192.168.100.0/24';

export const DEFAULT_UBUNTU_SERIES = 'trusty';

/** Ubuntu release behind each series name, for the AMI lookup. */
export const UBUNTU_RELEASES: Readonly<Record<string, string>> = {
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  focal: '20.04',
  jammy: '22.04',
  noble: '24.04',
};

/** Series whose Canonical AMIs are named `ubuntu/images/hvm-ssd-gp3/...` (gp3 root volume) instead of `hvm-ssd/`. */
export const UBUNTU_GP3_IMAGE_SERIES: ReadonlySet<string> = new Set(['noble']);

/**
 * Series whose cloud-init reads the instance metadata with IMDSv1 only (trusty's 0.7.5): requiring
 * IMDSv2 tokens there leaves the VM without its SSH key.
 */
export const UBUNTU_IMDSV1_ONLY_SERIES: ReadonlySet<string> = new Set(['trusty']);

/**
 * AWS's default VPC quotas the stack must fit in, per region (Service Quotas, Amazon VPC):
 * "Inbound or outbound rules per security group" and "Security groups per network interface".
 * AWS caps their product at 1,000 and the groups per interface at 16.
 */
export const AWS_DEFAULT_QUOTAS = { rulesPerSecurityGroup: 60, securityGroupsPerInterface: 5 } as const;
export const AWS_MAX_RULES_PER_INTERFACE = 1000;
export const AWS_MAX_GROUPS_PER_INTERFACE = 16;

/** Canonical's AWS account, owner of the official Ubuntu AMIs. */
export const CANONICAL_AMI_OWNER = '099720109477';

export interface HardwareMinimums {
  readonly cpuCores: number;
  readonly arch: string;
  readonly memoryGiB: number;
  readonly diskTiB: number;
  readonly nics: number;
  readonly nicSpeedMbps: number;
}

/** Physical server prerequisites of the guide (controller and compute nodes). */
export const HARDWARE_MINIMUMS: HardwareMinimums = {
  cpuCores: 12,
  arch: 'x86_64',
  memoryGiB: 48,
  diskTiB: 3,
  nics: 2,
  nicSpeedMbps: 1000,
};

export interface PortForward {
  /** Port on the router's public interface. */
  readonly port: number;
  /** Service VM the traffic is forwarded to. */
  readonly vm: ServiceVmName;
  /** Port on that VM. */
  readonly vmPort: number;
}

/** The router's port forwards (public port -> VM:port); clients reach the controller through them. */
export const PORT_FORWARDS: readonly PortForward[] = [
  { port: 35357, vm: 'keystone', vmPort: 35357 },
  { port: 5000, vm: 'keystone', vmPort: 5000 },
  { port: 8774, vm: 'nova-cloud-controller', vmPort: 8774 },
  { port: 9696, vm: 'nova-cloud-controller', vmPort: 9696 },
  { port: 9292, vm: 'glance', vmPort: 9292 },
  { port: 8080, vm: 'openstack-dashboard', vmPort: 80 },
  { port: 3128, vm: 'nagios', vmPort: 80 },
  { port: 8777, vm: 'ceilometer', vmPort: 8777 },
];

export interface ComputePort {
  readonly protocol: 'tcp' | 'gre';
  /** TCP port; absent for GRE (IP protocol 47). */
  readonly port?: number;
  readonly vm: ServiceVmName;
  readonly description: string;
}

/** What a compute node must reach on the controller, allowed from each node's /32 only. */
export const COMPUTE_NODE_PORTS: readonly ComputePort[] = [
  { protocol: 'gre', vm: 'quantum-gateway', description: 'GRE tunnels to the neutron gateway' },
  { protocol: 'tcp', port: 35357, vm: 'keystone', description: 'keystone admin API' },
  { protocol: 'tcp', port: 5000, vm: 'keystone', description: 'keystone public API' },
  { protocol: 'tcp', port: 5672, vm: 'rabbitmq-server', description: 'AMQP' },
  // CHARM_SETTINGS sets rabbitmq-server ssl=on: the charm then also listens on ssl_port (default
  // 5671, openstack/charm-rabbitmq-server config.yaml) and hands that port to the related services,
  // whose AMQP context prefers it, so the nodes' nova and neutron agents dial 5671.
  { protocol: 'tcp', port: 5671, vm: 'rabbitmq-server', description: 'AMQP over SSL' },
  { protocol: 'tcp', port: 3306, vm: 'mysql', description: 'MySQL' },
  { protocol: 'tcp', port: 9292, vm: 'glance', description: 'glance API' },
  { protocol: 'tcp', port: 8774, vm: 'nova-cloud-controller', description: 'nova API' },
  { protocol: 'tcp', port: 8775, vm: 'nova-cloud-controller', description: 'nova metadata' },
  { protocol: 'tcp', port: 9696, vm: 'nova-cloud-controller', description: 'neutron API' },
];

/**
 * The Juju API of the state server (Juju 1.25's default `api-port`), which every machine agent
 * dials, compute nodes included. On a managed controller it runs on the Juju/router VM itself.
 */
export const JUJU_API_PORT = 17070;

/** IP protocol number of GRE. */
export const GRE_PROTOCOL = 47;
/** Keystone's admin port, opened to compute nodes on an existing controller. */
export const KEYSTONE_ADMIN_PORT = 35357;

export const SUBORDINATE_CHARMS = ['nrpe', 'ntp', 'ceilometer-agent'] as const;

/** Charm settings applied after deployment, as `juju set SERVICE key=value`. */
export const CHARM_SETTINGS: readonly { service: string; key: string; value: string }[] = [
  { service: 'quantum-gateway', key: 'instance-mtu', value: '1400' },
  { service: 'keystone', key: 'use-https', value: 'yes' },
  { service: 'keystone', key: 'https-service-endpoints', value: 'True' },
  { service: 'rabbitmq-server', key: 'ssl', value: 'on' },
  { service: 'nova-compute', key: 'virt-type', value: 'kvm' },
];

/** Charm configuration of the Icehouse-era openstack.cfg, given at deploy time. */
export const CHARM_CONFIG: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  keystone: { 'openstack-origin': 'cloud:trusty-icehouse' },
  glance: { 'openstack-origin': 'cloud:trusty-icehouse' },
  'nova-cloud-controller': { 'openstack-origin': 'cloud:trusty-icehouse', 'network-manager': 'Neutron' },
  'quantum-gateway': { 'openstack-origin': 'cloud:trusty-icehouse' },
  'openstack-dashboard': { 'openstack-origin': 'cloud:trusty-icehouse' },
  // The full class path, as the original openstack.cfg has it: nova imports firewall_driver by its
  // dotted path, so a bare class name stops nova-compute at start.
  'nova-compute': { 'openstack-origin': 'cloud:trusty-icehouse', 'config-flags': 'firewall_driver=nova.virt.firewall.NoopFirewallDriver' },
};

/** A relation as given to `juju add-relation A B` (endpoints optional, `service[:endpoint]`). */
export type Relation = readonly [string, string];

const CONTROLLER_SERVICES_WITH_MONITORING = [
  'mysql',
  'rabbitmq-server',
  'keystone',
  'glance',
  'nova-cloud-controller',
  'quantum-gateway',
  'openstack-dashboard',
  'ceilometer',
] as const;

/**
 * Relations among the controller services (the original juju-relations.py, Icehouse). Endpoints
 * are named where the bare pair is ambiguous: Juju 1.25 refuses it ("ambiguous relation",
 * state.InferEndpoints, state/state.go:1311 at juju-1.25.9).
 */
export const CONTROLLER_RELATIONS: readonly Relation[] = [
  ['keystone', 'mysql'],
  ['nova-cloud-controller', 'mysql'],
  ['nova-cloud-controller', 'rabbitmq-server'],
  ['nova-cloud-controller', 'glance'],
  ['nova-cloud-controller', 'keystone'],
  ['glance', 'mysql'],
  ['glance', 'keystone'],
  ['quantum-gateway', 'mysql'],
  // quantum-gateway requires both `amqp` and `amqp-nova` of interface rabbitmq.
  ['quantum-gateway:amqp', 'rabbitmq-server:amqp'],
  ['quantum-gateway', 'nova-cloud-controller'],
  ['openstack-dashboard', 'keystone'],
  ['nagios', 'nrpe'],
  ['ntp', 'nova-cloud-controller'],
  ['ceilometer', 'mongodb'],
  ['ceilometer', 'rabbitmq-server'],
  ['ceilometer:identity-service', 'keystone:identity-service'],
  ['ceilometer:ceilometer-service', 'ceilometer-agent:ceilometer-service'],
  ...CONTROLLER_SERVICES_WITH_MONITORING.map((s): Relation => ['nagios', s]),
  ...CONTROLLER_SERVICES_WITH_MONITORING.map((s): Relation =>
    s === 'mysql' ? ['mysql:juju-info', 'nrpe:general-info'] : [s, 'nrpe'],
  ),
];

/** Relations of nova-compute, added once when the first compute node joins. */
export const COMPUTE_RELATIONS: readonly Relation[] = [
  ['nova-compute:shared-db', 'mysql:shared-db'],
  ['nova-compute:amqp', 'rabbitmq-server:amqp'],
  ['nova-compute', 'glance'],
  ['nova-compute', 'nova-cloud-controller'],
  ['nova-compute', 'ntp'],
  ['nova-compute', 'nagios'],
  ['nova-compute', 'nrpe'],
  ['nova-compute:nova-ceilometer', 'ceilometer-agent:nova-ceilometer'],
];

/** Juju readiness polling of the later scripts: about 160 polls of 15 s. */
export const JUJU_WAIT = { pollSeconds: 15, maxPolls: 160 } as const;

/** Where the charms leave the CA that signs the SSL endpoints. */
export const KEYSTONE_CA_PATH = '/etc/ssl/certs/keystone_juju_ca_cert.pem';
export const KEYSTONE_PASSWORD_PATH = '/var/lib/keystone/keystone.passwd';
