// `controller-services`: the OpenStack services of the managed controller, deployed by Juju on
// their VMs: each service VM added as a manual machine (by address), each charm of the reference
// table deployed onto its VM (charm configuration of the Icehouse openstack.cfg given at deploy),
// the subordinates, the charm settings where they differ, every controller relation once; then a
// bounded wait until every unit has started. Runs on the Juju host, after juju-preinstall (Juju
// bootstrapped, its key on every VM) and router (the VMs reach the Internet through it).
import { CHARM_CONFIG, CHARM_SETTINGS, CONTROLLER_RELATIONS, JUJU_WAIT, SUBORDINATE_CHARMS, type Relation } from '../../inventory/reference.ts';
import { JujuClient } from '../../remote/juju/client.ts';
import { allUnits, findMachineByAddress, hasRelation, unitStarted, unitStateText, type JujuStatus, type JujuUnit } from '../../remote/juju/status.ts';
import { isManaged, managedController, serviceVmAddress } from '../../remote/router/controller-addresses.ts';
import type { Step } from '../step.ts';
import type { ResolvedCluster } from '../../remote/host.ts';

/** One charm on one service VM. */
export interface Placement {
  readonly vm: string;
  readonly address: string;
  readonly charm: string;
}

/** Every charm of the reference table on its VM (the Juju VM itself runs none). */
export function placements(cluster: ResolvedCluster): Placement[] {
  return managedController(cluster)
    .serviceVms.filter((vm) => !vm.isRouter)
    .flatMap((vm) => vm.charms.map((charm) => ({ vm: vm.name, address: serviceVmAddress(cluster, vm.name), charm })));
}

/** Services this step owns: the placed charms and the subordinates. */
export function controllerServices(cluster: ResolvedCluster): string[] {
  return [...new Set([...placements(cluster).map((p) => p.charm), ...SUBORDINATE_CHARMS])];
}

/** The settings of CHARM_SETTINGS for the services this step deploys, per service. */
export function controllerSettings(cluster: ResolvedCluster): Map<string, Record<string, string>> {
  const services = new Set(controllerServices(cluster));
  const out = new Map<string, Record<string, string>>();
  for (const s of CHARM_SETTINGS) {
    if (!services.has(s.service)) continue; // nova-compute's belong to the compute steps
    out.set(s.service, { ...(out.get(s.service) ?? {}), [s.key]: s.value });
  }
  return out;
}

interface ServicesPlan {
  /** VMs Juju does not know yet (by address). */
  readonly machines: readonly Placement[];
  readonly deploy: readonly Placement[];
  readonly subordinates: readonly string[];
  /** service -> settings that differ (or all of them, for a service still to deploy). */
  readonly settings: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly relations: readonly Relation[];
  /** Units not started yet at check time. */
  readonly waitFor: readonly string[];
}

function unitsOf(status: JujuStatus, services: ReadonlySet<string>): JujuUnit[] {
  return allUnits(status).filter((u) => services.has(u.service));
}

async function planFrom(cluster: ResolvedCluster, juju: JujuClient, status: JujuStatus): Promise<ServicesPlan> {
  const all = placements(cluster);
  const machines = [...new Map(all.filter((p) => !findMachineByAddress(status, p.address)).map((p) => [p.address, p])).values()];
  const deploy = all.filter((p) => !status.services[p.charm]);
  const subordinates = SUBORDINATE_CHARMS.filter((s) => !status.services[s]);
  const settings: Record<string, Record<string, string>> = {};
  for (const [service, wanted] of controllerSettings(cluster)) {
    const current = status.services[service] ? await juju.get(service) : {};
    const differing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
    if (Object.keys(differing).length > 0) settings[service] = differing;
  }
  const relations = CONTROLLER_RELATIONS.filter((r) => !hasRelation(status, r));
  const waitFor = unitsOf(status, new Set(controllerServices(cluster)))
    .filter((u) => !unitStarted(u))
    .map((u) => `${u.name} (${unitStateText(u)})`);
  return { machines, deploy, subordinates, settings, relations, waitFor };
}

function describe(plan: ServicesPlan): string[] {
  const settingCount = Object.values(plan.settings).reduce((n, s) => n + Object.keys(s).length, 0);
  return [
    ...(plan.machines.length ? [`add machine${plan.machines.length > 1 ? 's' : ''} ${plan.machines.map((m) => `${m.vm} (${m.address})`).join(', ')}`] : []),
    ...(plan.deploy.length ? [`deploy ${plan.deploy.map((p) => `${p.charm} on ${p.vm}`).join(', ')}`] : []),
    ...(plan.subordinates.length ? [`deploy subordinate${plan.subordinates.length > 1 ? 's' : ''} ${plan.subordinates.join(', ')}`] : []),
    ...(settingCount ? [`set ${Object.entries(plan.settings).flatMap(([s, kv]) => Object.entries(kv).map(([k, v]) => `${s} ${k}=${v}`)).join(', ')}`] : []),
    ...(plan.relations.length ? [`add ${plan.relations.length} relation${plan.relations.length > 1 ? 's' : ''}`] : []),
    ...(plan.waitFor.length ? [`wait for ${plan.waitFor.join(', ')}`] : []),
  ];
}

// apply decides again from a fresh `juju status` (see there): check's findings are only described.
export const controllerServicesStep: Step<null> = {
  id: 'controller-services',
  title: 'OpenStack controller services deployed by Juju on their VMs',
  hosts: (host, cluster) => isManaged(cluster) && host.roles.includes('juju') && host.roles.includes('router'),
  dependsOn: ['juju-preinstall', 'router'],
  async check(ctx) {
    const juju = new JujuClient(ctx.host);
    let status: JujuStatus;
    try {
      status = await juju.status();
    } catch (err) {
      // In a dry run of a fresh controller juju-preinstall only said it would bootstrap.
      if (ctx.dryRun) return { needed: true, description: `deploy every controller service (juju status: ${(err as Error).message})`, plan: null };
      throw err;
    }
    const plan = await planFrom(ctx.cluster, juju, status);
    const todo = describe(plan);
    if (todo.length === 0) return { needed: false, description: `${controllerServices(ctx.cluster).length} services deployed, related and started` };
    return { needed: true, description: todo.join('; '), plan: null };
  },
  async apply(ctx) {
    const juju = new JujuClient(ctx.host);
    // Decide again from a fresh status: another run (or an operator) may have acted since check.
    let status: JujuStatus;
    try {
      status = await juju.status();
    } catch (err) {
      // A dry run of a fresh controller: Juju is not bootstrapped, so there is nothing to ask it.
      if (!ctx.dryRun) throw err;
      ctx.log(`would add ${placements(ctx.cluster).length} charms on their VMs once Juju is bootstrapped`);
      return;
    }
    const plan = await planFrom(ctx.cluster, juju, status);
    const user = ctx.cluster.model.ssh.user;
    const machineOf = new Map<string, string>();
    for (const p of placements(ctx.cluster)) {
      const known = findMachineByAddress(status, p.address);
      if (known) machineOf.set(p.address, known.id);
    }
    for (const m of plan.machines) {
      ctx.log(`juju add-machine ssh:${user}@${m.address} (${m.vm})`);
      const id = await juju.addMachine(user, m.address);
      machineOf.set(m.address, id ?? `<${m.vm}>`);
    }
    for (const p of plan.deploy) {
      const to = machineOf.get(p.address);
      if (to === undefined) throw new Error(`no Juju machine at ${p.address} for ${p.charm}`);
      const config = CHARM_CONFIG[p.charm];
      ctx.log(`juju deploy ${p.charm} --to ${to}${config ? ' --config (openstack.cfg settings)' : ''}`);
      await juju.deploy(p.charm, { to, ...(config ? { config } : {}) });
    }
    for (const s of plan.subordinates) {
      ctx.log(`juju deploy ${s} (subordinate)`);
      await juju.deploy(s);
    }
    for (const [service, settings] of Object.entries(plan.settings)) {
      const changed = ctx.dryRun ? Object.keys(settings) : await juju.set(service, settings);
      if (changed.length) ctx.log(`juju set ${service} ${changed.map((k) => `${k}=${settings[k]}`).join(' ')}`);
    }
    for (const r of plan.relations) {
      const result = await juju.addRelation(r);
      ctx.log(`juju add-relation ${r[0]} ${r[1]}${result === 'exists' ? ' (already there)' : ''}`);
    }
    if (ctx.dryRun) return;
    const services = new Set(controllerServices(ctx.cluster));
    const started = await juju.waitForUnits((u) => services.has(u.service), {
      pollSeconds: JUJU_WAIT.pollSeconds,
      maxPolls: JUJU_WAIT.maxPolls,
      log: (m) => ctx.log(m),
    });
    ctx.log(`${started.length} units started`);
  },
};
