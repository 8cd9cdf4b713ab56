// juju-machine against scripted hosts: the log-in check proves what `juju add-machine ssh:USER@HOST`
// will do, so it logs in as Juju 1.25 does: with Juju's own key (~/.juju/ssh/juju_id_rsa) and on
// the port Juju uses (none given: 22; environs/manual/init.go at juju-1.25.9, juju/utils
// ssh/ssh_openssh.go opensshOptions passes -p only when asked).
import { describe, expect, it } from 'vitest';
import { jujuMachineStep } from '../../../src/bootstrap/steps/juju-machine.ts';
import type { StepContext } from '../../../src/bootstrap/step.ts';
import type { ResolvedCluster } from '../../../src/remote/host.ts';
import type { ClusterModel } from '../../../src/inventory/model.ts';
import { FakeSession, fail, ok } from '../../remote/fake-session.ts';
import { scriptedContext } from '../scripted-context.ts';
import { STATUS_EMPTY } from '../../remote/juju/samples.ts';

const node = { name: 'compute-1', roles: ['compute'] as const, address: '198.51.100.13', port: 22, user: 'ubuntu' };
const jujuHost = { name: 'juju', roles: ['juju'] as const, address: '198.51.100.2', port: 22, user: 'ubuntu' };

function context(loginWorks: boolean): { ctx: StepContext; juju: FakeSession } {
  const juju = new FakeSession((argv) => {
    if (argv[0] === 'ssh') return loginWorks ? ok() : fail('ubuntu@198.51.100.13: Permission denied (publickey).\n', 255);
    if (argv[1] === 'status') return ok(STATUS_EMPTY);
    if (argv[1] === 'add-machine') return ok('', 'created machine 3\n');
    return fail('unexpected');
  }, jujuHost);
  const nodeSession = new FakeSession(() => ok(), node);
  const cluster = {
    model: { name: 'lab', controller: { kind: 'existing', jujuHost: jujuHost.address } } as unknown as ClusterModel,
    hosts: [jujuHost, node],
  } as ResolvedCluster;
  const ctx = scriptedContext(cluster, nodeSession, { juju });
  return { ctx, juju };
}

describe('juju-machine', () => {
  it("checks the log-in with Juju's key only and on Juju's port, then adds the machine", async () => {
    const { ctx, juju } = context(true);
    await jujuMachineStep.apply(ctx, undefined);
    const ssh = juju.commands.find((c) => c[0] === 'ssh')!;
    expect(ssh.join(' ')).toContain('-i ~/.juju/ssh/juju_id_rsa -o IdentitiesOnly=yes');
    // No other identity, no port: what Juju's ssh gives (a ~/.ssh/config Port would apply to both).
    expect(ssh.filter((a) => a === '-i')).toHaveLength(1);
    expect(ssh).not.toContain('-p');
    expect(ssh.at(-2)).toBe('ubuntu@198.51.100.13');
    expect(juju.commands).toContainEqual(['juju', 'add-machine', 'ssh:ubuntu@198.51.100.13']);
  });

  it('adds no machine when that log-in fails, and says why', async () => {
    const { ctx, juju } = context(false);
    await expect(jujuMachineStep.apply(ctx, undefined)).rejects.toThrow(/cannot log in to ubuntu@198\.51\.100\.13 .*Permission denied \(publickey\)/);
    expect(juju.commands.some((c) => c[1] === 'add-machine')).toBe(false);
  });
});
