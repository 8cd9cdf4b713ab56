// `compute-config`: the OpenCloud compute configuration of the public playbooks (the guide's
// step 4): python-yaml installed (Juju's charm helpers need it), /var/lib/nova created, and the
// kernel settings GRE tunnelling needs in one sysctl.d file, applied at once. The node reboots
// only when the system asks for it (/var/run/reboot-required).
import { computePackages, missingPackages } from '../../remote/facts/packages.ts';
import type { Step, StepContext } from '../step.ts';

export const NOVA_STATE_DIR = '/var/lib/nova';
export const SYSCTL_FILE = '/etc/sysctl.d/60-opencloud.conf';
export const REBOOT_REQUIRED = '/var/run/reboot-required';

/**
 * Forwarding for the instances' traffic, and reverse-path filtering relaxed as the OpenStack
 * networking guide advises for GRE tunnel endpoints (strict rp_filter drops tunnelled replies).
 */
export const GRE_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
};

export function sysctlFileContent(): string {
  return [
    '# Written by opencloud-provisioner (compute-config): kernel settings for GRE tunnelling.',
    ...Object.entries(GRE_SYSCTLS).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n');
}

// Prints each key's live value, read from /proc/sys (no sysctl binary, PATH or root needed).
const LIVE_SYSCTLS_SCRIPT = 'for k in "$@"; do printf "%s " "$k"; tr -d "\\n" < "/proc/sys/$(echo "$k" | tr . /)" || printf "?"; echo; done';

interface ConfigPlan {
  readonly install: readonly string[];
  readonly createNovaDir: boolean;
  readonly writeSysctl: boolean;
  readonly applySysctl: boolean;
  readonly reboot: boolean;
}

async function liveSysctlsDiffer(ctx: StepContext): Promise<string[]> {
  const out = await ctx.host.run({ script: LIVE_SYSCTLS_SCRIPT, args: Object.keys(GRE_SYSCTLS) }, { readOnly: true });
  const live = new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
  return Object.entries(GRE_SYSCTLS)
    .filter(([k, v]) => live.get(k)?.trim() !== v)
    .map(([k]) => k);
}

async function rebootRequired(ctx: StepContext): Promise<boolean> {
  return (await ctx.host.stat(REBOOT_REQUIRED, { sudo: false })) !== null;
}

export const computeConfigStep: Step<ConfigPlan> = {
  id: 'compute-config',
  title: 'OpenCloud compute configuration (python-yaml, /var/lib/nova, GRE sysctls)',
  hosts: 'compute',
  dependsOn: ['nova-compute'],
  mayReboot: true,
  async check(ctx) {
    const install = await missingPackages(ctx.host, computePackages(ctx.cluster.model.ubuntuSeries));
    const createNovaDir = (await ctx.host.exec(['test', '-d', NOVA_STATE_DIR], { readOnly: true })).code !== 0;
    const writeSysctl = (await ctx.host.readFile(SYSCTL_FILE, { sudo: false })) !== sysctlFileContent();
    const stale = await liveSysctlsDiffer(ctx);
    const reboot = await rebootRequired(ctx);
    const plan: ConfigPlan = { install, createNovaDir, writeSysctl, applySysctl: writeSysctl || stale.length > 0, reboot };
    const parts = [
      install.length > 0 && `install ${install.join(' ')}`,
      createNovaDir && `create ${NOVA_STATE_DIR}`,
      writeSysctl && `write ${SYSCTL_FILE}`,
      plan.applySysctl && `apply ${stale.length > 0 ? stale.join(', ') : 'sysctls'}`,
      reboot && `reboot (${REBOOT_REQUIRED})`,
    ].filter((p): p is string => typeof p === 'string');
    if (parts.length === 0) return { needed: false, description: 'configured' };
    return { needed: true, description: parts.join('; '), plan };
  },
  async apply(ctx, plan) {
    if (plan.install.length > 0) {
      await ctx.host.run(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', '--', ...plan.install], {
        sudo: true,
        timeoutMs: 15 * 60_000,
      });
    }
    if (plan.createNovaDir) await ctx.host.run(['mkdir', '-p', '-m', '755', NOVA_STATE_DIR], { sudo: true });
    if (plan.writeSysctl) await ctx.host.writeFile(SYSCTL_FILE, sysctlFileContent(), { mode: 0o644, owner: 'root:root' });
    if (plan.applySysctl) await ctx.host.run(['sysctl', '-p', SYSCTL_FILE], { sudo: true });
    // Installing may itself ask for a reboot: look again rather than trust check's answer.
    if (plan.reboot || (!ctx.dryRun && (await rebootRequired(ctx)))) {
      ctx.log(`${REBOOT_REQUIRED} exists: rebooting`);
      await ctx.host.reboot();
      // A boot starts from kernel defaults; it should load sysctl.d, but apply must leave the
      // settings live whatever the boot did (a boot that skipped sysctl.d, a container host).
      if (!ctx.dryRun && (await liveSysctlsDiffer(ctx)).length > 0) {
        ctx.log('sysctls not applied by the boot: applying them');
        await ctx.host.run(['sysctl', '-p', SYSCTL_FILE], { sudo: true });
      }
    }
  },
};
