// `juju-machine`: the compute node as a machine of the Juju environment, as the guide does it: on
// the Juju host, check that it can log in to the node, then `juju add-machine ssh:USER@IP`.
// A machine Juju already has at the node's address is taken as is.
import { jujuClient } from '../../remote/juju/juju-host.ts';
import { JUJU_KNOWN_HOSTS, JUJU_SSH_KEY } from '../../remote/juju/ssh-key.ts';
import { findMachineByAddress } from '../../remote/juju/status.ts';
import type { Step, StepContext } from '../step.ts';

/** What OpenSSH prints when the key a host presents is not the one known for it. */
const HOST_KEY_REFUSED = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No (?:ED25519|RSA|ECDSA)? ?host key is known/i;

/** The node this step runs on, as Juju reaches it. */
function target(ctx: StepContext): { user: string; address: string } {
  const h = ctx.host.host;
  return { user: h.user, address: h.address };
}

export const jujuMachineStep: Step<undefined> = {
  id: 'juju-machine',
  title: 'node added to Juju as a manual machine',
  hosts: 'compute',
  dependsOn: ['juju-key', 'hosts'],
  onJujuHost: true,
  async check(ctx) {
    const client = await jujuClient(ctx);
    const { user, address } = target(ctx);
    const machine = findMachineByAddress(await client.status(), address);
    if (machine) return { needed: false, description: `juju machine ${machine.id} (${machine.agentState})` };
    return { needed: true, description: `juju add-machine ssh:${user}@${address}`, plan: undefined };
  },
  async apply(ctx) {
    const client = await jujuClient(ctx);
    const { user, address } = target(ctx);
    // The guide checks the login first: a refused key fails here, plainly, before Juju half-adds
    // a machine. Strictly, against the node's key juju-key recorded from this run's verified
    // connection: whoever answers at the node's address as the Juju host sees it must be the node,
    // or Juju would enroll an impostor and hand it the cluster's credentials.
    const probe = await client.session.exec(
      [
        // Juju's own key, the only one juju-key authorizes and the one Juju logs in with.
        // No port, as Juju gives none (environs/manual/init.go at juju-1.25.9; juju/utils
        // ssh/ssh_openssh.go passes -p only when asked): 22, or what ~/.ssh/config says for both.
        'ssh', '-i', `~/${JUJU_SSH_KEY}`, '-o', 'IdentitiesOnly=yes',
        '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'StrictHostKeyChecking=yes',
        '-o', `UserKnownHostsFile=~/${JUJU_KNOWN_HOSTS}`, '-o', 'GlobalKnownHostsFile=/dev/null',
        '-o', 'LogLevel=ERROR', `${user}@${address}`, 'true',
      ],
      { readOnly: true, timeoutMs: 30_000 },
    );
    const stderr = probe.stderr.trim();
    if (probe.code !== 0 && ctx.dryRun) {
      // In a dry run juju-key only said what it would authorize and record: the log-in cannot work yet.
      ctx.log(`the Juju host cannot log in to ${user}@${address} yet (fine if juju-key would authorize its key in this run)`);
    } else if (probe.code !== 0 && HOST_KEY_REFUSED.test(stderr)) {
      throw new Error(
        `the Juju host refused the host key at ${address} (${lastLines(stderr, 2)}): whoever answers there, as the Juju host ` +
          `reaches it, is not the node this run verified; not adding it to Juju. Check the Juju host's route to ${address}, and run juju-key again ` +
          `(it records the node's verified key in ~/${JUJU_KNOWN_HOSTS} of ${client.session.host.user} on the Juju host).`,
      );
    } else if (probe.code !== 0) {
      throw new Error(
        `the Juju host cannot log in to ${user}@${address} (ssh exited ${probe.code}: ${stderr || 'no message'}); ` +
          'is its key authorized (juju-key) and the node reachable from it?',
      );
    }
    const id = await client.addMachine(user, address);
    if (id !== undefined) ctx.log(`juju machine ${id}`);
  },
};

/** The last non-empty lines of ssh's messages, on one line. */
function lastLines(text: string, n: number): string {
  return text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean).slice(-n).join(' | ');
}
