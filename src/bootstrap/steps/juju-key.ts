// `juju-key`: Juju's own SSH key (~/.juju/ssh/juju_id_rsa.pub of the Juju user, the one key Juju
// logs in with; none of the user's other keys, and without options) authorized for the compute
// node's SSH user, and the node's host key (as this run verified it) recorded in the Juju user's
// known_hosts, so the Juju host checks the node it logs in to instead of trusting whoever answers at its address. The
// guide's order: Juju logs in to the node for `add-machine`, so this comes before any Juju step.
// The key is only read on the Juju host, never generated here (juju-preinstall creates it on a
// managed controller; an existing controller's Juju user must already have one).
import { jujuHost } from '../../remote/juju/juju-host.ts';
import { withJujuLock } from '../../remote/juju/lock.ts';
import { sharedReads } from '../../remote/juju/shared-reads.ts';
import { homeDirectory, JUJU_KNOWN_HOSTS, JUJU_SSH_KEY, readJujuPublicKey } from '../../remote/juju/ssh-key.ts';
import { withAuthorizedKey } from '../../remote/facts/authorized-keys.ts';
import { fingerprint, knownHostsName, withHostKey } from '../../remote/known-hosts.ts';
import type { Step, StepContext } from '../step.ts';
import type { HostSession } from '../../remote/host.ts';

/** Juju's own client key (`TYPE BLOB`), or null; every node's juju-key step asking at once shares one read. */
function jujuPublicKey(juju: HostSession): Promise<string | null> {
  return sharedReads(juju.host).read('juju public key', () => readJujuPublicKey(juju));
}

interface KeyPlan {
  /** Juju's key is to be authorized on the node. */
  readonly authorize: boolean;
  /** The node's host key to record on the Juju host, when it is not recorded yet. */
  readonly hostKey?: string;
}

interface Findings {
  readonly file: string;
  /** The node's authorized_keys with Juju's key added; null when it is authorized already. */
  readonly authorized: string | null;
  readonly current: string | null;
  readonly juju: HostSession;
  /** The Juju user's known_hosts, and what it becomes (null: the node's key is there already). */
  readonly knownHosts: { readonly file: string; readonly updated: string | null; readonly key: string };
}

async function findMissing(ctx: StepContext): Promise<Findings> {
  const juju = await ctx.session(jujuHost(ctx.cluster).name);
  const key = await jujuPublicKey(juju);
  if (key === null) {
    const kind = ctx.cluster.model.controller.kind;
    throw new Error(
      `the Juju host ${juju.host.address} has no Juju SSH key for ${juju.host.user} (~/${JUJU_SSH_KEY}.pub); ` +
        (kind === 'managed'
          ? 'the juju-preinstall step creates it: run it first'
          : `Juju 1.x creates it on its first command there: run \`juju status\` as ${juju.host.user} on the Juju host, then bootstrap again`),
    );
  }
  const file = `${await homeDirectory(ctx.host)}/.ssh/authorized_keys`;
  const current = await ctx.host.readFile(file, { sudo: false });
  return {
    file,
    current,
    authorized: withAuthorizedKey(current, key, `juju@${ctx.cluster.model.name}`),
    juju,
    knownHosts: await nodeKeyOnJujuHost(ctx, juju),
  };
}

/** Where the Juju host's ssh looks the node up: its address (and port), as the Juju host reaches it. */
function nodeName(ctx: StepContext): string {
  return knownHostsName(ctx.host.host.address, ctx.host.host.port);
}

async function nodeKeyOnJujuHost(ctx: StepContext, juju: HostSession): Promise<Findings['knownHosts']> {
  const key = await ctx.host.hostKey();
  const file = `${await homeDirectory(juju)}/${JUJU_KNOWN_HOSTS}`;
  const text = await juju.readFile(file, { sudo: false });
  return { file, key, updated: withHostKey(text, nodeName(ctx), key) };
}

function describeKey(key: string): string {
  const [type, blob] = key.split(' ');
  return `${type} ${fingerprint(Buffer.from(blob ?? '', 'base64'))}`;
}

export const jujuKeyStep: Step<KeyPlan> = {
  id: 'juju-key',
  title: "Juju host's SSH key authorized on the node, the node's host key known to the Juju host",
  hosts: 'compute',
  dependsOn: ['preflight'],
  retrySafe: true, // re-reads and rewrites both files atomically
  async check(ctx) {
    const { authorized, current, knownHosts, juju } = await findMissing(ctx);
    const record = knownHosts.updated !== null;
    const authorize = authorized !== null;
    if (!authorize && !record) return { needed: false, description: 'Juju host key authorized, node host key known to the Juju host' };
    const parts = [
      ...(authorize ? [`authorize Juju's key (~/${JUJU_SSH_KEY}.pub of the Juju host) for ${ctx.host.host.user} (${current === null ? 'new' : 'existing'} authorized_keys)`] : []),
      ...(record ? [`record the node's host key ${describeKey(knownHosts.key)} in ${juju.host.user}@${juju.host.name}:~/${JUJU_KNOWN_HOSTS}`] : []),
    ];
    return { needed: true, description: parts.join('; '), plan: { authorize, ...(record ? { hostKey: knownHosts.key } : {}) } };
  },
  async apply(ctx) {
    await ctx.host.run({ script: 'mkdir -p -m 700 "$HOME/.ssh"' });
    // Read again under apply: a key added meanwhile is kept, none is added twice.
    const { file, authorized, juju } = await findMissing(ctx);
    const user = ctx.host.host.user;
    if (authorized !== null) {
      await ctx.host.writeFile(file, authorized, { sudo: false, mode: 0o600, ...(user === 'root' ? { owner: 'root' } : {}) });
    }
    // Every node's juju-key writes the same file on the Juju host: one read-modify-write at a time.
    await withJujuLock(`known_hosts@${juju.host.name}`, async () => {
      const { file: khFile, updated } = await nodeKeyOnJujuHost(ctx, juju);
      if (updated === null) return;
      await juju.run({ script: 'mkdir -p -m 700 "$HOME/.ssh"' });
      await juju.writeFile(khFile, updated, { sudo: false, mode: 0o600, ...(juju.host.user === 'root' ? { owner: 'root' } : {}) });
    });
  },
};
