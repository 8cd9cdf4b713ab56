// juju-key against scripted hosts: which key it authorizes (Juju's own, as a plain line), the node's
// host key it records on the Juju host, and its refusal when the Juju host has no key (it never
// generates one).
import { describe, expect, it } from 'vitest';
import { jujuKeyStep } from '../../../src/bootstrap/steps/juju-key.ts';
import type { StepContext } from '../../../src/bootstrap/step.ts';
import type { ResolvedCluster } from '../../../src/remote/host.ts';
import type { ClusterModel } from '../../../src/inventory/model.ts';
import { FakeSession, ok } from '../../remote/fake-session.ts';
import { scriptedContext } from '../scripted-context.ts';

/** Juju's client key, ~/.juju/ssh/juju_id_rsa.pub, as `TYPE BLOB`. */
const JUJU_KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCjujujujujujujujujujujujujujujujujujujujujujujuju';
/** Another key of the Juju user, with options: never authorized by juju-key. */
const USER_KEY = 'command="/bin/evil",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJujuJujuJujuJujuJujuJujuJujuJujuJujuJujuJuju root@juju';
const node = { name: 'compute-1', roles: ['compute'] as const, address: '198.51.100.11', port: 22, user: 'ubuntu' };
const jujuHost = { name: 'juju', roles: ['juju'] as const, address: '198.51.100.2', port: 22, user: 'ubuntu' };

const home = (argv: readonly string[], dir: string) => (argv[2]?.startsWith('printf') && argv[2].includes('$HOME') ? dir : undefined);

/** The Juju host: Juju's key (unless null) and the user's own keys, as any script reading ~ would list them. */
function context(jujuKey: string | null, authorized: string | null): { ctx: StepContext; node: FakeSession; juju: FakeSession } {
  const listing = `== .ssh/id_ed25519.pub\n${USER_KEY}\n${jujuKey ? `== .juju/ssh/juju_id_rsa.pub\n${jujuKey} juju@lab\n` : ''}`;
  const juju = new FakeSession((argv) => ok(home(argv, '/home/juju') ?? listing), jujuHost);
  if (jujuKey) juju.files.set('/home/juju/.juju/ssh/juju_id_rsa.pub', `${jujuKey} juju@lab\n`);
  juju.files.set('/home/juju/.ssh/id_ed25519.pub', `${USER_KEY}\n`);
  const nodeSession = new FakeSession((argv) => ok(argv[2]?.includes('$HOME') && argv[2].startsWith('printf') ? '/home/ubuntu' : ''), node);
  if (authorized !== null) nodeSession.files.set('/home/ubuntu/.ssh/authorized_keys', authorized);
  const cluster = {
    model: { name: 'lab', controller: { kind: 'existing', jujuHost: '198.51.100.2' } } as unknown as ClusterModel,
    hosts: [jujuHost, node],
  } as ResolvedCluster;
  const ctx = scriptedContext(cluster, nodeSession, { juju });
  return { ctx, node: nodeSession, juju };
}

describe('juju-key', () => {
  it("authorizes Juju's key only, once, as a plain line, keeping the lines already there", async () => {
    const { ctx, node: n, juju } = context(JUJU_KEY, '# operator\n');
    juju.files.set('/home/juju/.ssh/known_hosts', `198.51.100.11 ${n.hostKeyLine}\n`);
    const check = await jujuKeyStep.check(ctx);
    expect(check.needed).toBe(true);
    if (!check.needed) return;
    expect(check.description).toBe("authorize Juju's key (~/.juju/ssh/juju_id_rsa.pub of the Juju host) for ubuntu (existing authorized_keys)");
    await jujuKeyStep.apply(ctx, check.plan);
    // Not the user's other key, and none of the options a key file may carry.
    expect(n.files.get('/home/ubuntu/.ssh/authorized_keys')).toBe(`# operator\n${JUJU_KEY} juju@lab\n`);
    expect(await jujuKeyStep.check(ctx)).toEqual({ needed: false, description: 'Juju host key authorized, node host key known to the Juju host' });
  });

  it("records the node's verified host key for the Juju user, replacing a key planted under its address", async () => {
    const { ctx, node: n, juju } = context(JUJU_KEY, `${JUJU_KEY}\n`);
    const planted = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEltcG9zdG9ySW1wb3N0b3JJbXBvc3RvckltcG9zdG9y';
    juju.files.set('/home/juju/.ssh/known_hosts', `198.51.100.2 ${JUJU_KEY}\n198.51.100.11,node1 ${planted}\n`);
    const check = await jujuKeyStep.check(ctx);
    expect(check.needed).toBe(true);
    if (!check.needed) return;
    expect(check.description).toMatch(/^record the node's host key ssh-ed25519 SHA256:\S+ in ubuntu@juju:~\/\.ssh\/known_hosts$/);
    await jujuKeyStep.apply(ctx, check.plan);
    // The planted key is gone for the node's address (kept for the other name on its line); other hosts untouched.
    expect(juju.files.get('/home/juju/.ssh/known_hosts')).toBe(
      `198.51.100.2 ${JUJU_KEY}\nnode1 ${planted}\n198.51.100.11 ${n.hostKeyLine}\n`,
    );
    expect((await jujuKeyStep.check(ctx)).needed).toBe(false);
  });

  it("fails clearly when the Juju host has no Juju key, generating none (the user's own keys do not count)", async () => {
    const { ctx, juju } = context(null, null);
    await expect(jujuKeyStep.check(ctx)).rejects.toThrow(
      /the Juju host 198\.51\.100\.2 has no Juju SSH key for ubuntu \(~\/\.juju\/ssh\/juju_id_rsa\.pub\); Juju 1\.x creates it on its first command/,
    );
    expect(juju.commands.some((c) => c.join(' ').includes('ssh-keygen'))).toBe(false);
  });
});
