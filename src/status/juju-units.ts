// The Juju section: `juju status --format=json` on the Juju host (through the Juju client's
// command runner and status parser), one line per unit with its agent state. A unit is up only
// when its agent says `started`, really talks to Juju (1.25 keeps `started` for a lost agent or a
// down machine: status.ts) and its workload is not in error: `pending` means not yet working,
// which is not up either. A service Juju cannot read (`status-error`) is down, the rest of the
// status still read; a subordinate nothing relates to yet has no units, which is normal.
import { JujuClient } from '../remote/juju/client.ts';
import { allUnits, parseJujuStatus, unitFailed, unitStarted, type JujuService, type JujuStatus, type JujuUnit } from '../remote/juju/status.ts';
import { SUBORDINATE_CHARMS } from '../inventory/reference.ts';
import type { HostSession } from '../remote/host.ts';
import { errorDetail, type StatusCheck } from './check.ts';

/** Reads the status, bounded in time (the client's own status() has no timeout). */
export async function readJujuStatus(session: HostSession, timeoutMs: number): Promise<JujuStatus> {
  const { stdout } = await new JujuClient(session).juju(['status', '--format=json'], { readOnly: true, timeoutMs });
  return parseJujuStatus(stdout);
}

export function unitUp(unit: JujuUnit): boolean {
  return unitStarted(unit) && !unitFailed(unit);
}

/** `cs:trusty/ceilometer-agent-5` -> `ceilometer-agent`. */
function charmName(url: string): string {
  return (url.split(':').pop() ?? url).split('/').pop()!.replace(/-\d+$/, '');
}

/** A subordinate service: related to a principal, or one of the reference's subordinate charms. */
function isSubordinate(service: JujuService): boolean {
  return service.subordinateTo.length > 0 || (service.charm !== undefined && (SUBORDINATE_CHARMS as readonly string[]).includes(charmName(service.charm)));
}

/** The `juju status` line, then each service without units and each unit (subordinates after their principal). */
export function jujuChecks(jujuHost: string, status: JujuStatus): StatusCheck[] {
  const services = Object.values(status.services).sort((a, b) => a.name.localeCompare(b.name));
  const units = allUnits({ ...status, services: Object.fromEntries(services.map((s) => [s.name, s])) });
  const checks: StatusCheck[] = [
    {
      section: 'juju',
      host: jujuHost,
      check: 'juju status',
      state: 'up',
      detail: `${status.environment ? `environment ${status.environment}, ` : ''}${services.length} service(s), ${units.length} unit(s), ${status.machines.length} machine(s)`,
    },
  ];
  const machineAddress = new Map(status.machines.map((m) => [m.id, m.dnsName ?? `machine ${m.id}`]));
  const principalMachine = new Map(units.filter((u) => u.machine).map((u) => [u.name, u.machine!]));
  for (const service of services) {
    if (service.statusError !== undefined) {
      checks.push({ section: 'juju', host: '-', check: `service ${service.name}`, state: 'down', detail: `status-error: ${service.statusError}` });
      continue;
    }
    // A subordinate service has no units of its own until related to a principal (ceilometer-agent
    // until a compute node joins); that is normal.
    if (service.units.length === 0 && !isSubordinate(service) && !units.some((u) => u.service === service.name)) {
      checks.push({ section: 'juju', host: '-', check: `service ${service.name}`, state: 'down', detail: `no units (charm ${service.charm ?? 'unknown'})` });
    }
  }
  for (const unit of units) {
    const machine = unit.machine ?? (unit.principal ? principalMachine.get(unit.principal) : undefined);
    const where = machine === undefined ? unit.publicAddress ?? '-' : machineAddress.get(machine) ?? unit.publicAddress ?? `machine ${machine}`;
    checks.push({
      section: 'juju',
      host: where,
      check: `unit ${unit.name}${unit.principal ? ` (on ${unit.principal})` : ''}`,
      state: unitUp(unit) ? 'up' : 'down',
      detail: unitDetail(unit, machine),
    });
  }
  return checks;
}

function unitDetail(unit: JujuUnit, machine: string | undefined): string {
  const parts = [`agent-state ${unit.agentState}`];
  if (unit.agentDown) parts.push(unit.agentDown);
  if (unit.statusError) parts.push(`status-error: ${unit.statusError}`);
  if (unit.workloadState) parts.push(`workload ${unit.workloadState}`);
  if (machine !== undefined) parts.push(`machine ${machine}`);
  if (unit.message) parts.push(unit.message);
  return parts.join(', ');
}

/** The section when `juju status` could not be read at all. */
export function jujuFailedCheck(jujuHost: string, err: unknown): StatusCheck {
  return { section: 'juju', host: jujuHost, check: 'juju status', state: 'down', detail: errorDetail(err) };
}
