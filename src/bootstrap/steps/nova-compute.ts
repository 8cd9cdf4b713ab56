// `nova-compute`: the nova-compute charm on the node's Juju machine (the guide's step 3): the
// first node deploys the service (with the Icehouse-era charm config), the others add units; the
// compute relations are added once and `virt-type=kvm` is set; then the unit must start.
// Several nodes run this at once: the read-decide-change part holds the Juju environment's lock,
// and an "already exists" answer (another process got there first) counts as success.
import { CHARM_CONFIG, CHARM_SETTINGS, COMPUTE_RELATIONS } from '../../inventory/reference.ts';
import { jujuClient } from '../juju/juju-host.ts';
import { findMachineByAddress, hasRelation, unitFailed, unitOnMachine, type JujuStatus } from '../juju/status.ts';
import type { JujuClient } from '../juju/client.ts';
import type { Step } from '../step.ts';

export const NOVA_COMPUTE = 'nova-compute';

/** Settings applied after deployment (`juju set nova-compute virt-type=kvm`). */
export const NOVA_COMPUTE_SETTINGS: Readonly<Record<string, string>> = Object.fromEntries(
  CHARM_SETTINGS.filter((s) => s.service === NOVA_COMPUTE).map((s) => [s.key, s.value]),
);

interface Todo {
  /** Undefined only in a dry run, before juju-machine has really added the machine. */
  readonly machine?: string;
  readonly deploy: boolean;
  readonly addUnit: boolean;
  readonly relations: number;
  readonly settings: readonly string[];
  readonly unit?: string;
}

function machineOf(status: JujuStatus, address: string, node: string): string {
  const machine = findMachineByAddress(status, address);
  if (!machine) throw new Error(`Juju has no machine at ${address} for ${node} (the juju-machine step adds it)`);
  return machine.id;
}

async function settingsToChange(client: JujuClient, status: JujuStatus): Promise<string[]> {
  if (!status.services[NOVA_COMPUTE]) return Object.keys(NOVA_COMPUTE_SETTINGS);
  const current = await client.get(NOVA_COMPUTE);
  return Object.entries(NOVA_COMPUTE_SETTINGS)
    .filter(([k, v]) => current[k] !== v)
    .map(([k]) => k);
}

export const novaComputeStep: Step<Todo> = {
  id: 'nova-compute',
  title: 'nova-compute unit on the node, related and started',
  hosts: 'compute',
  dependsOn: ['juju-machine'],
  async check(ctx) {
    const client = await jujuClient(ctx);
    const status = await client.status();
    if (ctx.dryRun && !findMachineByAddress(status, ctx.host.host.address)) {
      // A dry run's juju-machine only said it would add the machine.
      const todo: Todo = { deploy: !status.services[NOVA_COMPUTE], addUnit: !!status.services[NOVA_COMPUTE], relations: 0, settings: [] };
      return { needed: true, description: `${todo.deploy ? 'deploy' : 'add a unit of'} ${NOVA_COMPUTE} on the machine juju-machine would add`, plan: todo };
    }
    const machine = machineOf(status, ctx.host.host.address, ctx.host.host.name);
    const service = status.services[NOVA_COMPUTE];
    const unit = unitOnMachine(status, NOVA_COMPUTE, machine);
    const relations = COMPUTE_RELATIONS.filter((r) => !hasRelation(status, r)).length;
    const settings = await settingsToChange(client, status);
    const started = unit?.agentState === 'started';
    if (unit && started && relations === 0 && settings.length === 0) {
      return { needed: false, description: `${unit.name} started on machine ${machine}` };
    }
    const todo: Todo = { machine, deploy: !service, addUnit: !!service && !unit, relations, settings, ...(unit ? { unit: unit.name } : {}) };
    const parts = [
      todo.deploy && `deploy ${NOVA_COMPUTE} to machine ${machine}`,
      todo.addUnit && `add a ${NOVA_COMPUTE} unit to machine ${machine}`,
      relations > 0 && `add ${relations} relation(s)`,
      settings.length > 0 && `set ${settings.map((k) => `${k}=${NOVA_COMPUTE_SETTINGS[k]}`).join(' ')}`,
      unit && unitFailed(unit) ? `${unit.name} is in error (${unit.message ?? 'no message'})` : `wait for ${unit?.name ?? 'the unit'} to start`,
    ].filter(Boolean);
    return { needed: true, description: parts.join('; '), plan: todo };
  },
  async apply(ctx, todo) {
    if (todo.machine === undefined) return; // dry run without the machine: nothing to show more
    const client = await jujuClient(ctx);
    const address = ctx.host.host.address;
    const machine = await client.exclusive(async () => {
      // Decide again on fresh status, under the lock: another node may have deployed meanwhile.
      let status = await client.status();
      const id = machineOf(status, address, ctx.host.host.name);
      if (!status.services[NOVA_COMPUTE]) {
        const outcome = await client.deploy(NOVA_COMPUTE, { to: id, config: CHARM_CONFIG[NOVA_COMPUTE] ?? {} });
        ctx.log(outcome === 'deployed' ? `deployed ${NOVA_COMPUTE} to machine ${id}` : `${NOVA_COMPUTE} already deployed`);
        status = await client.status();
      }
      if (!ctx.dryRun && !unitOnMachine(status, NOVA_COMPUTE, id)) {
        await client.addUnit(NOVA_COMPUTE, { to: id });
        ctx.log(`added a ${NOVA_COMPUTE} unit to machine ${id}`);
      }
      for (const relation of COMPUTE_RELATIONS) {
        if (hasRelation(status, relation)) continue;
        const outcome = await client.addRelation(relation);
        if (outcome === 'added') ctx.log(`related ${relation[0]} and ${relation[1]}`);
      }
      // In a dry run the service may only "would be" deployed: nothing to read settings from yet.
      if (!status.services[NOVA_COMPUTE]) return id;
      const changed = await client.set(NOVA_COMPUTE, NOVA_COMPUTE_SETTINGS);
      if (changed.length > 0) ctx.log(`set ${changed.map((k) => `${k}=${NOVA_COMPUTE_SETTINGS[k]}`).join(' ')}`);
      return id;
    });
    if (ctx.dryRun) return;
    const [unit] = await client.waitForUnits((u) => u.service === NOVA_COMPUTE && u.machine === machine, { log: (m) => ctx.log(m) });
    ctx.log(`${unit?.name} started on machine ${machine}`);
  },
};
