// `nova-compute`: the nova-compute charm on the node's Juju machine (the guide's step 3): the
// first node deploys the service (with the Icehouse-era charm config), the others add units; the
// compute relations are added once and `virt-type=kvm` is set; then the unit must start.
// Several nodes run this at once: only the deploy decision holds the Juju environment's lock; each
// node adds its own unit; the relations and settings are made once per run (both at once), by the
// first node that finds them missing. An "already exists" answer (another process got there
// first) counts as success.
import { CHARM_CONFIG, CHARM_SETTINGS, COMPUTE_RELATIONS } from '../../inventory/reference.ts';
import { jujuClient } from '../../remote/juju/juju-host.ts';
import { findMachineByAddress, hasRelation, unitFailed, unitOnMachine, unitStarted, unitStateText, type JujuStatus } from '../../remote/juju/status.ts';
import type { JujuClient } from '../../remote/juju/client.ts';
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
  onJujuHost: true,
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
    const started = unit !== undefined && unitStarted(unit);
    if (unit && started && relations === 0 && settings.length === 0) {
      return { needed: false, description: `${unit.name} started on machine ${machine}` };
    }
    const todo: Todo = { machine, deploy: !service, addUnit: !!service && !unit, relations, settings, ...(unit ? { unit: unit.name } : {}) };
    const parts = [
      todo.deploy && `deploy ${NOVA_COMPUTE} to machine ${machine}`,
      todo.addUnit && `add a ${NOVA_COMPUTE} unit to machine ${machine}`,
      relations > 0 && `add ${relations} relation(s)`,
      settings.length > 0 && `set ${settings.map((k) => `${k}=${NOVA_COMPUTE_SETTINGS[k]}`).join(' ')}`,
      unit && unitFailed(unit)
        ? `${unit.name} is in error (${unit.message ?? 'no message'})`
        : `wait for ${unit?.name ?? 'the unit'} to start${unit ? ` (${unitStateText(unit)})` : ''}`,
    ].filter(Boolean);
    return { needed: true, description: parts.join('; '), plan: todo };
  },
  async apply(ctx, todo) {
    if (todo.machine === undefined) return; // dry run without the machine: nothing to show more
    const client = await jujuClient(ctx);
    const machine = todo.machine;
    if (todo.deploy) {
      // Every node that found no service comes here; one deploys (to its own machine), the
      // others then add their units.
      const deployedTo = await ctx.oncePerRun('nova-compute deploy', () => deployUnlessPresent(client, machine, ctx.log));
      if (deployedTo !== machine) await addUnit(client, machine, ctx.log);
    } else if (todo.addUnit) {
      // The service exists: units on different machines do not interfere, so no lock is needed.
      await addUnit(client, machine, ctx.log);
    }
    // The relations and the settings do not depend on each other: both at once. The step ends
    // when both have ended, also when one fails early: nothing it started outlives it.
    await allEnded([
      (todo.deploy || todo.relations > 0) && ctx.oncePerRun('nova-compute relations', () => addMissingRelations(client, ctx.log)),
      // In a dry run the service may only "would be" deployed: nothing to read settings from yet.
      (todo.deploy || todo.settings.length > 0) &&
        !(ctx.dryRun && todo.deploy) &&
        ctx.oncePerRun('nova-compute settings', async () => {
          const changed = await client.set(NOVA_COMPUTE, NOVA_COMPUTE_SETTINGS);
          if (changed.length > 0) ctx.log(`set ${changed.map((k) => `${k}=${NOVA_COMPUTE_SETTINGS[k]}`).join(' ')}`);
        }),
    ]);
    if (ctx.dryRun) return;
    const [unit] = await client.waitForUnits((u) => u.service === NOVA_COMPUTE && u.machine === machine, { log: (m) => ctx.log(m) });
    ctx.log(`${unit?.name} started on machine ${machine}`);
  },
};

/** Waits for every one of the changes, then rejects with the first failure (naming the others'). */
async function allEnded(changes: readonly (Promise<unknown> | false)[]): Promise<void> {
  const outcomes = await Promise.allSettled(changes.filter((c): c is Promise<unknown> => c !== false));
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  if (failures.length === 0) return;
  if (failures.length === 1) throw failures[0];
  throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; '));
}

/**
 * Deploys the service to the machine unless it exists, deciding on fresh status under the
 * environment's lock. Resolves the machine deployed to, or undefined when it already existed.
 */
function deployUnlessPresent(client: JujuClient, machine: string, log: (message: string) => void): Promise<string | undefined> {
  return client.exclusive(async () => {
    if ((await client.status()).services[NOVA_COMPUTE]) return undefined;
    const outcome = await client.deploy(NOVA_COMPUTE, { to: machine, config: CHARM_CONFIG[NOVA_COMPUTE] ?? {} });
    log(outcome === 'deployed' ? `deployed ${NOVA_COMPUTE} to machine ${machine}` : `${NOVA_COMPUTE} already deployed`);
    return outcome === 'deployed' ? machine : undefined;
  });
}

/** The compute relations Juju lacks, decided on fresh status under the relations' lock. */
function addMissingRelations(client: JujuClient, log: (message: string) => void): Promise<void> {
  return client.exclusive(async () => {
    const status = await client.status();
    // Independent of each other: added at once (the Juju host's connection bounds how many).
    await Promise.all(
      COMPUTE_RELATIONS.filter((r) => !hasRelation(status, r)).map(async (relation) => {
        if ((await client.addRelation(relation)) === 'added') log(`related ${relation[0]} and ${relation[1]}`);
      }),
    );
  }, 'relations');
}

async function addUnit(client: JujuClient, machine: string, log: (message: string) => void): Promise<void> {
  await client.addUnit(NOVA_COMPUTE, { to: machine });
  log(`added a ${NOVA_COMPUTE} unit to machine ${machine}`);
}
