// The outputs of a managed controller's stack, as `cdktf deploy --outputs-file FILE` writes them:
// `{ "<stack name>": { router_public_ip, router_management_ip, service_vm_ips, hosts_block, juju_host } }`.
// Every value here reaches remote hosts (addresses, /etc/hosts lines), so each is validated strictly.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const ipv4 = z.ipv4({ error: 'must be an IPv4 address' });
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

const hostsEntry = z.object({
  ip: ipv4,
  names: z.array(z.string().regex(HOST_NAME, 'must be a host name (letters, digits, "." "_" "-")')).min(1, 'must list at least one name'),
});

export const StackOutputsSchema = z.object({
  router_public_ip: ipv4,
  router_management_ip: ipv4,
  service_vm_ips: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a service VM name'), ipv4),
  hosts_block: z.array(hostsEntry),
  juju_host: ipv4,
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
