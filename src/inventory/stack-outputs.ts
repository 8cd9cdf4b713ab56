// The contract between a cluster's stack and what reads its outputs after
// `cdktf deploy <stack> --outputs-file FILE`: the output names and their shapes, defined once.
// stacks/cluster-outputs.ts writes these names; the bootstrap, status and client-config read
// them through readStackOutputs. The file is `{ "<stack name>": { <output name>: value } }`.
// Every value here reaches remote hosts (addresses, /etc/hosts lines), so each is validated strictly.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { hostsEntryShape } from './schema.ts';

/** The output names, by the stack's property that fills each. */
export const OUTPUT_NAMES = {
  /** Where the juju commands run: the router's Elastic IP (managed) or controller.jujuHost. */
  jujuHost: 'juju_host',
  /** The /etc/hosts block of every compute node: list of { ip, names }. */
  hostsBlock: 'hosts_block',
  /** The router's Elastic IP (managed only). */
  routerPublicIp: 'router_public_ip',
  /** The router's address on the management network (managed only). */
  routerManagementIp: 'router_management_ip',
  /** Service VM name -> management address (managed only). */
  serviceVmIps: 'service_vm_ips',
} as const;

const ipv4 = z.ipv4({ error: 'must be an IPv4 address' });
const hostsEntry = z.object(hostsEntryShape);

/** What the bootstrap needs of a managed controller's stack (an existing one writes only juju_host and hosts_block). */
export const StackOutputsSchema = z.object({
  [OUTPUT_NAMES.routerPublicIp]: ipv4,
  [OUTPUT_NAMES.routerManagementIp]: ipv4,
  [OUTPUT_NAMES.serviceVmIps]: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a service VM name'), ipv4),
  [OUTPUT_NAMES.hostsBlock]: z.array(hostsEntry),
  [OUTPUT_NAMES.jujuHost]: ipv4,
});

export type StackOutputs = z.output<typeof StackOutputsSchema>;

/** The outputs file is missing, not JSON, or not the shape a deployed stack writes. */
export class OutputsFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`outputs file ${file}: ${reason}`);
    this.name = 'OutputsFileError';
  }
}

/** Reads the outputs of one stack (the cluster's name is its stack id) from a cdktf outputs file. */
export function readStackOutputs(file: string, stack: string): StackOutputs {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OutputsFileError(
      file,
      code === 'ENOENT'
        ? 'no such file (write it with `cdktf deploy --outputs-file FILE`)'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(err),
    );
  }
  return parseStackOutputs(text, file, stack);
}

export function parseStackOutputs(text: string, file: string, stack: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OutputsFileError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new OutputsFileError(file, 'must be a JSON object keyed by stack name, as `cdktf deploy --outputs-file` writes it');
  }
  const stacks = Object.keys(json);
  if (!Object.hasOwn(json, stack)) {
    throw new OutputsFileError(
      file,
      `has no outputs for stack "${stack}"${stacks.length ? ` (it has: ${stacks.join(', ')})` : ' (it is empty)'}; deploy the stack first`,
    );
  }
  const parsed = StackOutputsSchema.safeParse((json as Record<string, unknown>)[stack]);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${[stack, ...i.path].map(String).join('.')}: ${i.message}`);
    throw new OutputsFileError(file, `not the outputs of an OpenCloud stack:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
