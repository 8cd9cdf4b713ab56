// The inventory format, version 1 (../shared/inventory-format.md), as a strict zod schema.
// Types and formats live here; checks across fields live in rules.ts.
import { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import {
  AWS_DEFAULT_QUOTAS,
  AWS_MAX_GROUPS_PER_INTERFACE,
  DEFAULT_MANAGEMENT_CIDR,
  DEFAULT_UBUNTU_SERIES,
  HARDWARE_MINIMUMS,
  SERVICE_VM_NAMES,
  UBUNTU_RELEASES,
} from './reference.ts';

/** One line per unknown key, in `issue.keys` order, so the loader can place each at its key. */
export const UNKNOWN_KEY_SEPARATOR = '\n';

/**
 * An object that refuses unknown keys and names the nearest known one, the way a
 * typo in an inventory is usually fixed.
 */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys
        .map((key) => {
          const near = closest(key, known); // undefined only for a shape without keys
          const hint = near && isNear(key, near) ? `; did you mean "${near}"?` : `; known keys: ${known.join(', ')}`;
          return `unknown key "${key}"${hint}`;
        })
        .join(UNKNOWN_KEY_SEPARATOR);
    },
  });
}

/** Close enough to be a typo: at most a third of the letters differ (two at least). */
function isNear(typed: string, known: string): boolean {
  return distance(typed.toLowerCase(), known.toLowerCase()) <= Math.max(2, Math.floor(known.length / 3));
}

// Values below end up in remote shell commands, file names or resource names: each pattern
// admits only characters that need no quoting anywhere, and never a leading dash.
const DNS_LABEL = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SAFE_PATH = /^[A-Za-z0-9_.~/][A-Za-z0-9_.~/+@-]*$/;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
const NIC_NAME = /^[a-z][a-z0-9._-]{0,14}$/;
const KEY_MATERIAL = /-----BEGIN|PRIVATE KEY|^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-\S+)\s|^AAAA[0-9A-Za-z+/]{20,}|[\r\n]/;

export const dnsLabel = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(DNS_LABEL, 'must be a lowercase DNS label (a-z, 0-9 and "-", starting with a letter, not ending with "-")');

const ipv4 = z.ipv4({ error: 'must be an IPv4 address such as 198.51.100.11' });
const cidr = z.cidrv4({ error: 'must be an IPv4 CIDR such as 192.168.100.0/24' });
const port = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be a port from 1 to 65535')
  .max(65535, 'must be a port from 1 to 65535');

const safePath = z
  .string()
  .min(1, 'must not be empty')
  .superRefine((v, ctx) => {
    if (KEY_MATERIAL.test(v)) ctx.addIssue('looks like key material; give the path of the key file, never the key itself');
    else if (!SAFE_PATH.test(v))
      ctx.addIssue('must be a file path of letters, digits and _ . ~ / + @ - (no spaces, quotes or shell characters)');
  });

const awsRegion = z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1');
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as m5.large');
const securityGroupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a security group name (letters, digits, "." "_" "-")');

const positive = (unit: string) => z.number({ error: `must be a number (${unit})` }).positive(`must be more than 0 ${unit}`);

const nic = strict({
  /** Interface name on the node, e.g. eth0. */
  name: z.string().regex(NIC_NAME, 'must be a network interface name such as eth0'),
  /** Link speed in Mbps. */
  speedMbps: positive('Mbps').int('must be a whole number of Mbps'),
});

const hardware = strict({
  cpuCores: positive('cores').int('must be a whole number of cores'),
  arch: z.string().regex(/^[a-z0-9_]+$/, 'must be a CPU architecture such as x86_64'),
  memoryGiB: positive('GiB'),
  diskTiB: positive('TiB'),
  /** NIC1 carries the public IP; NIC2 is left unconfigured. */
  nics: z.array(nic),
});

const minimums = strict({
  cpuCores: positive('cores').int().default(HARDWARE_MINIMUMS.cpuCores),
  arch: z.string().regex(/^[a-z0-9_]+$/).default(HARDWARE_MINIMUMS.arch),
  memoryGiB: positive('GiB').default(HARDWARE_MINIMUMS.memoryGiB),
  diskTiB: positive('TiB').default(HARDWARE_MINIMUMS.diskTiB),
  nics: positive('NICs').int().default(HARDWARE_MINIMUMS.nics),
  nicSpeedMbps: positive('Mbps').int().default(HARDWARE_MINIMUMS.nicSpeedMbps),
});

const computeNode = strict({
  name: dnsLabel(63),
  publicIp: ipv4,
  hostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a host key fingerprint as `ssh-keygen -lf` prints it (SHA256:...)')
    .optional(),
  hardware,
  /** When set, the stack builds the node as an EC2 instance of this type (its Elastic IP is publicIp). */
  ec2: strict({ instanceType }).optional(),
});

const serviceOverride = strict({
  instanceType: instanceType.optional(),
  diskGiB: positive('GiB').int('must be a whole number of GiB').optional(),
  /** Fixed address on the management network; default: the reference offset. */
  ip: ipv4.optional(),
});

const serviceOverrides = strict(
  Object.fromEntries(SERVICE_VM_NAMES.map((vm) => [vm, serviceOverride.optional()])) as Record<
    (typeof SERVICE_VM_NAMES)[number],
    z.ZodOptional<typeof serviceOverride>
  >,
);

const forward = strict({
  port,
  vm: z.enum(SERVICE_VM_NAMES, { error: `must be one of the service VMs: ${SERVICE_VM_NAMES.join(', ')}` }),
  vmPort: port,
});

const managedController = strict({
  kind: z.literal('managed'),
  vpcCidr: cidr,
  publicSubnetCidr: cidr,
  managementCidr: cidr.default(DEFAULT_MANAGEMENT_CIDR),
  clientCidrs: z.array(cidr).min(1, 'must name at least one client network'),
  /** Availability zone of both subnets (every instance type of the cluster must be offered there); default: the region's zone a. */
  availabilityZone: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d[a-z]$/, 'must be an availability zone such as us-east-1a').optional(),
  /** Lets 0.0.0.0/0 into clientCidrs: the forwarded ports open to the world. */
  allowAnyClient: z.boolean().default(false),
  /** EC2 key pair the service VMs are launched with; created from publicKeyFile when that is given. */
  keyName: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be an EC2 key pair name').optional(),
  publicKeyFile: safePath.optional(),
  services: serviceOverrides.optional(),
  /** Port forwards on the router; default: the reference table. */
  forwards: z.array(forward).optional(),
});

/** One /etc/hosts line: the inventory's controller.hosts and the stack's hosts_block output alike. */
export const hostsEntryShape = {
  ip: ipv4,
  names: z.array(z.string().regex(HOST_NAME, 'must be a host name (letters, digits, "." "_" "-")')).min(1, 'must list at least one name'),
};

const hostEntry = strict(hostsEntryShape);

const existingController = strict({
  kind: z.literal('existing'),
  greSecurityGroup: securityGroupName,
  keystoneSecurityGroup: securityGroupName,
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0123456789abcdef0').optional(),
  jujuHost: ipv4,
  /** User on the Juju VM; default: ssh.user. */
  jujuUser: z.string().regex(UNIX_USER, 'must be a Unix user name').optional(),
  hosts: z.array(hostEntry).min(1, 'must list the controller services'),
});

const controller = z.discriminatedUnion('kind', [managedController, existingController], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'kind must be "managed" (the stack builds the controller) or "existing"' : undefined,
});

export const InventorySchema = strict({
  /** JSON Schema reference for editors; ignored. */
  $schema: z.string().optional(),
  name: dnsLabel(32),
  region: awsRegion,
  ubuntuSeries: z
    .enum(Object.keys(UBUNTU_RELEASES) as [string, ...string[]], {
      error: `must be an Ubuntu series: ${Object.keys(UBUNTU_RELEASES).join(', ')}`,
    })
    .default(DEFAULT_UBUNTU_SERIES),
  /** The AMI every VM boots, instead of the newest Canonical image of ubuntuSeries. */
  amiId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id such as ami-0123456789abcdef0').optional(),
  state: strict({
    s3: strict({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
      key: z.string().regex(/^[A-Za-z0-9_./-]+$/, 'must be an S3 object key of letters, digits and _ . / -'),
      region: awsRegion,
    }),
  }).optional(),
  ssh: strict({
    user: z.string().regex(UNIX_USER, 'must be a Unix user name (lowercase letters, digits, "_" "-")').default('ubuntu'),
    port: port.default(22),
    privateKeyFile: safePath.optional(),
    knownHostsFile: safePath.optional(),
  }).default({ user: 'ubuntu', port: 22 }),
  /** Hardware minimums; default: the guide's. Lower them only for labs. */
  minimums: minimums.default({ ...HARDWARE_MINIMUMS }),
  /** The account's AWS quotas, as Service Quotas shows them; default: AWS's defaults. Validate counts the rules against them. */
  quotas: strict({
    /** "Inbound or outbound rules per security group". */
    rulesPerSecurityGroup: z
      .number({ error: 'must be a number of rules' })
      .int('must be a whole number of rules')
      .min(1, 'must be at least 1 rule')
      .default(AWS_DEFAULT_QUOTAS.rulesPerSecurityGroup),
    /** "Security groups per network interface". */
    securityGroupsPerInterface: z
      .number({ error: 'must be a number of groups' })
      .int('must be a whole number of groups')
      .min(1, 'must be at least 1 group')
      .max(AWS_MAX_GROUPS_PER_INTERFACE, `must be at most ${AWS_MAX_GROUPS_PER_INTERFACE}, the most AWS grants`)
      .default(AWS_DEFAULT_QUOTAS.securityGroupsPerInterface),
  }).default({ ...AWS_DEFAULT_QUOTAS }),
  controller,
  computeNodes: z.array(computeNode).default([]),
});

export type Inventory = z.output<typeof InventorySchema>;
export type ComputeNodeEntry = Inventory['computeNodes'][number];
