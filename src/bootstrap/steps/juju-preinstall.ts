// `juju-preinstall`: the managed controller's Juju/router VM made ready to run Juju: its packages,
// Juju's SSH key (generated once) authorized on every service VM (and on itself, which the manual
// provider bootstraps over SSH too), a manual-provider environment, and `juju bootstrap` unless
// Juju already runs. Juju runs as the SSH user, without sudo, as the original scripts did.
import { JujuClient } from '../../remote/juju/client.ts';
import { JUJU_SSH_KEY, homeDirectory, readJujuPublicKey } from '../../remote/juju/ssh-key.ts';
import { withAuthorizedKey } from '../../remote/facts/authorized-keys.ts';
import { isManaged, routerManagementAddress } from '../../remote/router/controller-addresses.ts';
import { JUJU_PACKAGES, installPackages, missingPackages } from '../../remote/facts/packages.ts';
import type { Step, StepContext } from '../step.ts';
import type { ResolvedCluster, HostSession } from '../../remote/host.ts';

/** Bootstrapping installs jujud on the VM; generous, yet bounded. */
const BOOTSTRAP_TIMEOUT_MS = 30 * 60_000;

export const ENVIRONMENTS_FILE = '.juju/environments.yaml';

/** The manual-provider environment, named after the cluster. Every value is validated by the schema. */
export function environmentsYaml(cluster: ResolvedCluster): string {
  const m = cluster.model;
  return [
    '# Written by opencloud-provisioner (step juju-preinstall); a bootstrap run rewrites it.',
    `default: ${m.name}`,
    'environments:',
    `  ${m.name}:`,
    '    type: manual',
    `    bootstrap-host: ${routerManagementAddress(cluster)}`,
    `    bootstrap-user: ${m.ssh.user}`,
    `    default-series: ${m.ubuntuSeries}`,
    '',
  ].join('\n');
}

interface KeyHolder {
  readonly session: HostSession;
  readonly file: string;
}

/** The SSH user's authorized_keys on the router itself and on every service VM. */
async function keyHolders(ctx: StepContext): Promise<KeyHolder[]> {
  const sessions = [ctx.host, ...(await ctx.sessions('service'))];
  return Promise.all(sessions.map(async (session) => ({ session, file: `${await homeDirectory(session)}/.ssh/authorized_keys` })));
}

async function holdersWithoutKey(holders: readonly KeyHolder[], key: string | null): Promise<KeyHolder[]> {
  if (key === null) return [...holders];
  const reads = await Promise.all(holders.map(async (h) => ({ h, text: await h.session.readFile(h.file, { sudo: false }) })));
  return reads.filter(({ text }) => withAuthorizedKey(text, key, '') !== null).map(({ h }) => h);
}

async function isBootstrapped(juju: JujuClient): Promise<boolean> {
  try {
    await juju.status();
    return true;
  } catch {
    // Not installed, not configured or not bootstrapped: bootstrap tells which, loudly, if it fails.
    return false;
  }
}

interface PreinstallPlan {
  readonly packages: readonly string[];
  readonly generateKey: boolean;
  readonly authorizeOn: readonly string[];
  readonly writeEnvironment: boolean;
  readonly bootstrap: boolean;
}

export const jujuPreinstallStep: Step<PreinstallPlan> = {
  id: 'juju-preinstall',
  title: 'Juju on the Juju/router VM: packages, SSH key, manual environment, bootstrap',
  hosts: (host, cluster) => isManaged(cluster) && host.roles.includes('juju') && host.roles.includes('router'),
  async check(ctx) {
    const packages = await missingPackages(ctx.host, JUJU_PACKAGES);
    const home = await homeDirectory(ctx.host);
    const key = await readJujuPublicKey(ctx.host);
    const holders = await holdersWithoutKey(await keyHolders(ctx), key);
    const environment = await ctx.host.readFile(`${home}/${ENVIRONMENTS_FILE}`, { sudo: false });
    const writeEnvironment = environment !== environmentsYaml(ctx.cluster);
    const bootstrap = packages.length > 0 || writeEnvironment || !(await isBootstrapped(new JujuClient(ctx.host)));
    const plan: PreinstallPlan = {
      packages,
      generateKey: key === null,
      authorizeOn: holders.map((h) => h.session.host.name),
      writeEnvironment,
      bootstrap,
    };
    const todo = [
      ...(packages.length ? [`install ${packages.join(', ')}`] : []),
      ...(plan.generateKey ? [`generate ~/${JUJU_SSH_KEY}`] : []),
      ...(plan.authorizeOn.length ? [`authorize Juju's key on ${plan.authorizeOn.join(', ')}`] : []),
      ...(writeEnvironment ? [`write ~/${ENVIRONMENTS_FILE}`] : []),
      ...(bootstrap ? ['juju bootstrap (unless juju status shows it bootstrapped)'] : []),
    ];
    if (todo.length === 0) return { needed: false, description: 'Juju bootstrapped, key authorized on every service VM' };
    return { needed: true, description: todo.join('; '), plan };
  },
  async apply(ctx, plan) {
    await installPackages(ctx.host, plan.packages);
    const home = await homeDirectory(ctx.host);
    const keyFile = `${home}/${JUJU_SSH_KEY}`;
    if (plan.generateKey) {
      // Only when absent, checked again right here: a key Juju already uses is never replaced.
      await ctx.host.run({
        script: 'set -e\nmkdir -p -m 700 -- "$(dirname -- "$1")"\nif [ ! -e "$1" ]; then ssh-keygen -q -t rsa -b 4096 -m PEM -N "" -C "$2" -f "$1"; fi',
        args: [keyFile, `juju@${ctx.cluster.model.name}`],
      });
    }
    const key = ctx.dryRun ? ((await readJujuPublicKey(ctx.host)) ?? 'ssh-rsa (generated)') : await readJujuPublicKey(ctx.host);
    if (key === null) throw new Error(`${keyFile}.pub is missing after ssh-keygen`);
    for (const holder of await keyHolders(ctx)) {
      if (!plan.authorizeOn.includes(holder.session.host.name)) continue;
      // Read again right before writing, so a key added meanwhile is kept.
      await holder.session.run(['mkdir', '-p', '-m', '700', holder.file.replace(/\/authorized_keys$/, '')]);
      const current = await holder.session.readFile(holder.file, { sudo: false });
      const updated = withAuthorizedKey(current, key, `juju@${ctx.cluster.model.name}`);
      if (updated !== null) await holder.session.writeFile(holder.file, updated, { sudo: false, mode: 0o600 });
      ctx.log(`Juju's key authorized on ${holder.session.host.name}`);
    }
    if (plan.writeEnvironment) {
      await ctx.host.run(['mkdir', '-p', '-m', '700', `${home}/.juju`]);
      await ctx.host.writeFile(`${home}/${ENVIRONMENTS_FILE}`, environmentsYaml(ctx.cluster), { sudo: false, mode: 0o600 });
    }
    const juju = new JujuClient(ctx.host);
    if (plan.bootstrap && (ctx.dryRun || !(await isBootstrapped(juju)))) {
      ctx.log(`juju bootstrap (manual provider, bootstrap-host ${routerManagementAddress(ctx.cluster)})`);
      await juju.juju(['bootstrap'], { timeoutMs: BOOTSTRAP_TIMEOUT_MS });
    }
  },
};
