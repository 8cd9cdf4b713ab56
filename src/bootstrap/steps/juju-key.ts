// `juju-key`: the Juju host's SSH public key authorized for the compute node's SSH user. The
// guide's order: Juju logs in to the node for `add-machine`, so this comes before any Juju step.
// The key is only read on the Juju host, never generated here (juju-preinstall creates it on a
// managed controller; an existing controller's Juju user must already have one).
import { jujuHost } from '../../remote/juju/juju-host.ts';
import { sharedReads } from '../../remote/juju/shared-reads.ts';
import { homeDirectory } from '../../remote/juju/ssh-key.ts';
import { missingKeys, parsePublicKeys, withKeys, type PublicKey } from '../../remote/facts/authorized-keys.ts';
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
  readonly keys: readonly PublicKey[];
}

async function findMissing(ctx: StepContext): Promise<{ file: string; current: string | null; missing: PublicKey[]; jujuName: string }> {
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
  return { file, current, missing: missingKeys(current, keys), jujuName: juju.host.name };
}

export const jujuKeyStep: Step<KeyPlan> = {
  id: 'juju-key',
  title: "Juju host's SSH key authorized on the node",
  hosts: 'compute',
  dependsOn: ['preflight'],
  retrySafe: true, // re-reads and rewrites the file atomically
  async check(ctx) {
    const { missing, current } = await findMissing(ctx);
    if (missing.length === 0) return { needed: false, description: 'Juju host key authorized' };
    return {
      needed: true,
      description: `authorize ${missing.length} key(s) of the Juju host for ${ctx.host.host.user} (${current === null ? 'new' : 'existing'} authorized_keys)`,
      plan: { keys: missing },
    };
  },
  async apply(ctx) {
    await ctx.host.run({ script: 'mkdir -p -m 700 "$HOME/.ssh"' });
    // Read again under apply: a key added meanwhile is kept, none is added twice.
    const { file, current, missing } = await findMissing(ctx);
    if (missing.length === 0) return;
    const user = ctx.host.host.user;
    await ctx.host.writeFile(file, withKeys(current, missing), { sudo: false, mode: 0o600, ...(user === 'root' ? { owner: 'root' } : {}) });
  },
};
