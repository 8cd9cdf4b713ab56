// `compute-config`: the OpenCloud compute configuration of the public playbooks (the guide's
// step 4): python-yaml installed (Juju's charm helpers need it), /var/lib/nova created, and the
// kernel settings GRE tunnelling needs in one sysctl.d file, applied at once. The node reboots
// only when the system asks for it (/var/run/reboot-required).
import { computePackages, installPackages, missingPackages } from '../../remote/facts/packages.ts';
import { applySysctlFile, staleSysctls, sysctlFileContent, type SysctlFile } from '../../remote/facts/sysctl.ts';
import type { Step, StepContext } from '../step.ts';

export const NOVA_STATE_DIR = '/var/lib/nova';
export const REBOOT_REQUIRED = '/var/run/reboot-required';

/**
 * Forwarding for the instances' traffic, and reverse-path filtering relaxed as the OpenStack
 * networking guide advises for GRE tunnel endpoints (strict rp_filter drops tunnelled replies).
 */
export const GRE_SYSCTL_FILE: SysctlFile = {
  path: '/etc/sysctl.d/60-opencloud.conf',
  comment: 'Written by opencloud-provisioner (compute-config): kernel settings for GRE tunnelling.',
  settings: {
    'net.ipv4.ip_forward': '1',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
  },
};

interface ConfigPlan {
  readonly install: readonly string[];
  readonly createNovaDir: boolean;
  readonly writeSysctl: boolean;
  readonly applySysctl: boolean;
  readonly reboot: boolean;
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
    const writeSysctl = (await ctx.host.readFile(GRE_SYSCTL_FILE.path, { sudo: false })) !== sysctlFileContent(GRE_SYSCTL_FILE);
    const stale = await staleSysctls(ctx.host, GRE_SYSCTL_FILE);
    const reboot = await rebootRequired(ctx);
    const plan: ConfigPlan = { install, createNovaDir, writeSysctl, applySysctl: writeSysctl || stale.length > 0, reboot };
    const parts = [
      install.length > 0 && `install ${install.join(' ')}`,
      createNovaDir && `create ${NOVA_STATE_DIR}`,
      writeSysctl && `write ${GRE_SYSCTL_FILE.path}`,
      plan.applySysctl && `apply ${stale.length > 0 ? stale.join(', ') : 'sysctls'}`,
      reboot && `reboot (${REBOOT_REQUIRED})`,
    ].filter((p): p is string => typeof p === 'string');
    if (parts.length === 0) return { needed: false, description: 'configured' };
    return { needed: true, description: parts.join('; '), plan };
  },
  async apply(ctx, plan) {
    await installPackages(ctx.host, plan.install);
    if (plan.createNovaDir) await ctx.host.run(['mkdir', '-p', '-m', '755', NOVA_STATE_DIR], { sudo: true });
    if (plan.writeSysctl) await ctx.host.writeFile(GRE_SYSCTL_FILE.path, sysctlFileContent(GRE_SYSCTL_FILE), { mode: 0o644, owner: 'root:root' });
    if (plan.applySysctl) await applySysctlFile(ctx.host, GRE_SYSCTL_FILE);
    // Installing may itself ask for a reboot: look again rather than trust check's answer.
    if (plan.reboot || (!ctx.dryRun && (await rebootRequired(ctx)))) {
      ctx.log(`${REBOOT_REQUIRED} exists: rebooting`);
      await ctx.host.reboot();
      // A boot starts from kernel defaults; it should load sysctl.d, but apply must leave the
      // settings live whatever the boot did (a boot that skipped sysctl.d, a container host).
      if (!ctx.dryRun && (await staleSysctls(ctx.host, GRE_SYSCTL_FILE)).length > 0) {
        ctx.log('sysctls not applied by the boot: applying them');
        await applySysctlFile(ctx.host, GRE_SYSCTL_FILE);
      }
    }
  },
};
