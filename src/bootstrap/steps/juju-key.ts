// `juju-key`: the Juju host's SSH public key authorized for the compute node's SSH user, and the
// node's host key (as this run verified it) recorded in the Juju user's known_hosts, so the Juju
// host checks the node it logs in to instead of trusting whoever answers at its address. The
// guide's order: Juju logs in to the node for `add-machine`, so this comes before any Juju step.
// The key is only read on the Juju host, never generated here (juju-preinstall creates it on a
// managed controller; an existing controller's Juju user must already have one).
import { jujuHost } from '../../remote/juju/juju-host.ts';
import { withJujuLock } from '../../remote/juju/lock.ts';
import { sharedReads } from '../../remote/juju/shared-reads.ts';
import { homeDirectory, JUJU_KNOWN_HOSTS } from '../../remote/juju/ssh-key.ts';
import { missingKeys, parsePublicKeys, withKeys, type PublicKey } from '../../remote/facts/authorized-keys.ts';
import { fingerprint, knownHostsName, withHostKey } from '../../remote/known-hosts.ts';
import type { Step, StepContext } from '../step.ts';
import type { HostSession } from '../../remote/host.ts';

/** Public keys the Juju host's user logs in with: OpenSSH's defaults, then Juju 1.x's own. */
export const JUJU_HOST_KEY_FILES = ['.ssh/id_ed25519.pub', '.ssh/id_rsa.pub', '.ssh/id_ecdsa.pub', '.juju/ssh/juju_id_rsa.pub'] as const;

// Prints `== FILE` then the file, for each readable file relative to $HOME.
const READ_KEYS_SCRIPT = 'for f in "$@"; do if [ -r "$HOME/$f" ]; then echo "== $f"; cat -- "$HOME/$f"; echo; fi; done; exit 0';

/** The Juju host's public keys; every node's juju-key step asking at the same time shares one read. */
export function jujuHostPublicKeys(juju: HostSession): Promise<PublicKey[]> {
  return sharedReads(juju.host).read('public keys', async () => {
    const out = await juju.run({ script: READ_KEYS_SCRIPT, args: [...JUJU_HOST_KEY_FILES] }, { readOnly: true });
    return parsePublicKeys(out.split('\n').filter((l) => !l.startsWith('== ')).join('\n'));
  });
}

interface KeyPlan {
  /** Keys of the Juju host to authorize on the node (none when all are). */
  readonly keys: readonly PublicKey[];
  /** The node's host key to record on the Juju host, when it is not recorded yet. */
  readonly hostKey?: string;
}

interface Findings {
  readonly file: string;
  readonly current: string | null;
  readonly missing: PublicKey[];
  readonly juju: HostSession;
  /** The Juju user's known_hosts, and what it becomes (null: the node's key is there already). */
  readonly knownHosts: { readonly file: string; readonly updated: string | null; readonly key: string };
}

async function findMissing(ctx: StepContext): Promise<Findings> {
  const juju = await ctx.session(jujuHost(ctx.cluster).name);
  const keys = await jujuHostPublicKeys(juju);
  if (keys.length === 0) {
    const kind = ctx.cluster.model.controller.kind;
    throw new Error(
      `the Juju host ${juju.host.address} has no SSH public key for ${juju.host.user} (looked for ~/${JUJU_HOST_KEY_FILES.join(', ~/')}); ` +
        (kind === 'managed'
          ? 'the juju-preinstall step creates it: run it first'
          : `create one there (ssh-keygen -t ed25519 as ${juju.host.user}) and run bootstrap again`),
    );
  }
  const file = `${await homeDirectory(ctx.host)}/.ssh/authorized_keys`;
  const current = await ctx.host.readFile(file, { sudo: false });
  return { file, current, missing: missingKeys(current, keys), juju, knownHosts: await nodeKeyOnJujuHost(ctx, juju) };
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
    const { missing, current, knownHosts, juju } = await findMissing(ctx);
    const record = knownHosts.updated !== null;
    if (missing.length === 0 && !record) return { needed: false, description: 'Juju host key authorized, node host key known to the Juju host' };
    const parts = [
      ...(missing.length ? [`authorize ${missing.length} key(s) of the Juju host for ${ctx.host.host.user} (${current === null ? 'new' : 'existing'} authorized_keys)`] : []),
      ...(record ? [`record the node's host key ${describeKey(knownHosts.key)} in ${juju.host.user}@${juju.host.name}:~/${JUJU_KNOWN_HOSTS}`] : []),
    ];
    return { needed: true, description: parts.join('; '), plan: { keys: missing, ...(record ? { hostKey: knownHosts.key } : {}) } };
  },
  async apply(ctx) {
    await ctx.host.run({ script: 'mkdir -p -m 700 "$HOME/.ssh"' });
    // Read again under apply: a key added meanwhile is kept, none is added twice.
    const { file, current, missing, juju } = await findMissing(ctx);
    const user = ctx.host.host.user;
    if (missing.length > 0) {
      await ctx.host.writeFile(file, withKeys(current, missing), { sudo: false, mode: 0o600, ...(user === 'root' ? { owner: 'root' } : {}) });
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
