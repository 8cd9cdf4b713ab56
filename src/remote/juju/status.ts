// `juju status --format=json` of Juju 1.20-1.25, parsed strictly enough to trust what we act on
// (ids, addresses, states) and loosely enough that fields we do not use never break a run: Juju
// added fields in every minor release (workload-status, agent-status in 1.24, ...).
// Liveness as 1.25 reports it (sources at juju-1.25.9): the legacy `agent-state` of a unit is
// computed before its agent is found lost, so it keeps saying `started` while `agent-status` says
// `lost` (apiserver/client/status.go:745-770, 870-892); a machine whose agent is down reads
// `agent-state: started, agent-state-info: (started)` from a 1.25 client (cmd/juju/status/
// formatter.go:86-89, 300-310) and `agent-state: down` from older ones (formatter.go:68-81). An
// entity whose status could not be read is printed as `{"status-error": MESSAGE}` alone
// (cmd/juju/status/formatted.go:22-24, 50-55, 84-90).
import { z } from 'zod';
import type { Relation } from '../../inventory/reference.ts';

const StatusInfoSchema = z.looseObject({
  current: z.string().optional(),
  message: z.string().optional(),
  since: z.string().optional(),
});

// Go's encoding/json writes a nil map as null: treat it as empty.
function recordOf<T>(value: z.ZodType<T>): z.ZodType<Record<string, T>, unknown> {
  return z
    .record(z.string(), value)
    .nullish()
    .transform((r) => r ?? {});
}

interface RawStatusInfo {
  current?: string | undefined;
  message?: string | undefined;
}

interface RawUnit {
  'status-error'?: string | undefined;
  'agent-state'?: string | undefined;
  'agent-state-info'?: string | undefined;
  'workload-status'?: RawStatusInfo | undefined;
  'agent-status'?: RawStatusInfo | undefined;
  machine?: string | undefined;
  'public-address'?: string | undefined;
  subordinates: Record<string, RawUnit>;
}

interface RawMachine {
  'status-error'?: string | undefined;
  'agent-state'?: string | undefined;
  'agent-state-info'?: string | undefined;
  'dns-name'?: string | undefined;
  'instance-id'?: string | undefined;
  series?: string | undefined;
  containers: Record<string, RawMachine>;
}

const UnitSchema: z.ZodType<RawUnit, unknown> = z.lazy(() =>
  z.looseObject({
    'status-error': z.string().optional(),
    'agent-state': z.string().optional(),
    'agent-state-info': z.string().optional(),
    'workload-status': StatusInfoSchema.optional(),
    'agent-status': StatusInfoSchema.optional(),
    machine: z.string().optional(),
    'public-address': z.string().optional(),
    subordinates: recordOf(UnitSchema),
  }),
);

const MachineSchema: z.ZodType<RawMachine, unknown> = z.lazy(() =>
  z.looseObject({
    'status-error': z.string().optional(),
    'agent-state': z.string().optional(),
    'agent-state-info': z.string().optional(),
    'dns-name': z.string().optional(),
    'instance-id': z.string().optional(),
    series: z.string().optional(),
    hardware: z.string().optional(),
    containers: recordOf(MachineSchema),
  }),
);

// `charm` is required unless the service is only its `status-error` (checked in parseJujuStatus).
const ServiceSchema = z.looseObject({
  'status-error': z.string().optional(),
  charm: z.string().optional(),
  exposed: z.boolean().optional(),
  'service-status': StatusInfoSchema.optional(),
  relations: recordOf(z.array(z.string())),
  units: recordOf(UnitSchema),
  'subordinate-to': z.array(z.string()).optional(),
});

export const JujuStatusSchema = z.looseObject({
  environment: z.string().optional(),
  machines: recordOf(MachineSchema),
  services: recordOf(ServiceSchema),
});

export interface JujuMachine {
  readonly id: string;
  /** `started`, `pending`, `down`, `error`, ... (`unknown` when Juju printed none). */
  readonly agentState: string;
  readonly agentStateInfo?: string;
  /** The agent should be alive but is not (1.25: agent-state-info in parentheses; before 1.21: `down`). */
  readonly agentDown?: true;
  /** Juju could not read this machine's status. */
  readonly statusError?: string;
  readonly dnsName?: string;
  /** `manual:<address>` for machines of the manual provider. */
  readonly instanceId?: string;
  readonly series?: string;
}

export interface JujuUnit {
  /** `service/N`. */
  readonly name: string;
  readonly service: string;
  /** The legacy agent-state Juju 1.x keeps printing: `pending`, `started`, `error`, ... */
  readonly agentState: string;
  /** Why the unit is in its state, e.g. `hook failed: "install"`. */
  readonly message?: string;
  /**
   * Why the unit's agent does not talk to Juju although agent-state may say `started`: `agent
   * lost: ...` (agent-status `lost`), or `machine N down`.
   */
  readonly agentDown?: string;
  /** Juju could not read this unit's status. */
  readonly statusError?: string;
  readonly workloadState?: string;
  /** Machine of a principal unit; a subordinate runs on its principal's machine. */
  readonly machine?: string;
  readonly publicAddress?: string;
  /** For subordinate units: the principal unit they run beside. */
  readonly principal?: string;
  readonly subordinates: readonly JujuUnit[];
}

export interface JujuService {
  readonly name: string;
  /** The charm URL; absent only for a service in status-error. */
  readonly charm?: string;
  /** Juju could not read this service's status: it prints this message and nothing else. */
  readonly statusError?: string;
  readonly exposed: boolean;
  /** This service's relation (endpoint) name -> the services on the other side. */
  readonly relations: Readonly<Record<string, readonly string[]>>;
  /** Principal units (a subordinate service's units are listed under their principals). */
  readonly units: readonly JujuUnit[];
  /** For subordinate services: the principal services they are attached to. */
  readonly subordinateTo: readonly string[];
}

export interface JujuStatus {
  readonly environment?: string;
  /** Top-level machines and their containers, in id order. */
  readonly machines: readonly JujuMachine[];
  readonly services: Readonly<Record<string, JujuService>>;
}

/** `juju status` printed something that is not Juju 1.x status JSON. */
export class JujuStatusError extends Error {
  constructor(reason: string) {
    super(`cannot read juju status: ${reason}`);
    this.name = 'JujuStatusError';
  }
}

export function parseJujuStatus(text: string): JujuStatus {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JujuStatusError(`not JSON (${(err as Error).message}); is this Juju 1.x with --format=json?`);
  }
  const parsed = JujuStatusSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`);
    throw new JujuStatusError(`unexpected shape: ${problems.join('; ')}`);
  }
  const raw = parsed.data;
  const noCharm = Object.entries(raw.services).filter(([, s]) => s.charm === undefined && s['status-error'] === undefined);
  if (noCharm.length > 0) throw new JujuStatusError(`unexpected shape: ${noCharm.map(([n]) => `services.${n}: no charm and no status-error`).join('; ')}`);
  const machines: JujuMachine[] = [];
  const addMachine = (id: string, m: RawMachine) => {
    const info = m['agent-state-info'];
    machines.push({
      id,
      agentState: m['agent-state'] ?? 'unknown',
      ...(info ? { agentStateInfo: info } : {}),
      ...(m['agent-state'] === 'down' || (info !== undefined && /^\(.*\)$/s.test(info)) ? { agentDown: true as const } : {}),
      ...(m['status-error'] ? { statusError: m['status-error'] } : {}),
      ...(m['dns-name'] ? { dnsName: m['dns-name'] } : {}),
      ...(m['instance-id'] ? { instanceId: m['instance-id'] } : {}),
      ...(m.series ? { series: m.series } : {}),
    });
    for (const [cid, c] of Object.entries(m.containers)) addMachine(cid, c);
  };
  for (const [id, m] of Object.entries(raw.machines)) addMachine(id, m);
  machines.sort((a, b) => compareIds(a.id, b.id));

  const downMachines = new Set(machines.filter((m) => m.agentDown).map((m) => m.id));
  const services: Record<string, JujuService> = {};
  for (const [name, s] of Object.entries(raw.services)) {
    services[name] = {
      name,
      ...(s.charm !== undefined ? { charm: s.charm } : {}),
      ...(s['status-error'] !== undefined ? { statusError: s['status-error'] } : {}),
      exposed: s.exposed ?? false,
      relations: s.relations,
      units: Object.entries(s.units)
        .map(([unitName, u]) => toUnit(unitName, u, downMachines))
        .sort((a, b) => compareIds(a.name, b.name)),
      subordinateTo: s['subordinate-to'] ?? [],
    };
  }
  return { ...(raw.environment ? { environment: raw.environment } : {}), machines, services };
}

function toUnit(name: string, u: RawUnit, downMachines: ReadonlySet<string>, principal?: { name: string; machine?: string }): JujuUnit {
  const workload = u['workload-status'];
  const agent = u['agent-status'];
  // The agent's own state (1.24+) or, when lost, the workload says why (Juju's "agent is lost").
  const message = u['agent-state-info'] || (workload?.current === 'error' || agent?.current === 'lost' ? workload?.message : undefined);
  // A subordinate runs on its principal's machine.
  const machine = u.machine ?? principal?.machine;
  const agentDown =
    agent?.current === 'lost'
      ? `agent lost${agent.message ? `: ${agent.message}` : ''}`
      : machine !== undefined && downMachines.has(machine)
        ? `machine ${machine} down`
        : undefined;
  return {
    name,
    service: name.split('/')[0] ?? name,
    agentState: u['agent-state'] ?? 'unknown',
    ...(message ? { message } : {}),
    ...(agentDown ? { agentDown } : {}),
    ...(u['status-error'] ? { statusError: u['status-error'] } : {}),
    ...(workload?.current ? { workloadState: workload.current } : {}),
    ...(u.machine ? { machine: u.machine } : {}),
    ...(u['public-address'] ? { publicAddress: u['public-address'] } : {}),
    ...(principal ? { principal: principal.name } : {}),
    subordinates: Object.entries(u.subordinates)
      .map(([subName, sub]) => toUnit(subName, sub, downMachines, { name, ...(machine !== undefined ? { machine } : {}) }))
      .sort((a, b) => compareIds(a.name, b.name)),
  };
}

/** `2` before `10`, `nova-compute/2` before `nova-compute/10`, `0/lxc/1` after `0`. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The machine Juju knows at this address: by dns-name, or by the manual provider's instance id. */
export function findMachineByAddress(status: JujuStatus, address: string): JujuMachine | undefined {
  if (!address) return undefined; // the state server's instance id is a bare `manual:`
  return status.machines.find((m) => m.dnsName === address || m.instanceId === `manual:${address}`);
}

/** Every unit, principals and their subordinates. */
export function allUnits(status: JujuStatus): JujuUnit[] {
  const out: JujuUnit[] = [];
  const visit = (u: JujuUnit) => {
    out.push(u);
    u.subordinates.forEach(visit);
  };
  for (const s of Object.values(status.services)) s.units.forEach(visit);
  return out;
}

/** The principal unit of a service placed on a machine, if any. */
export function unitOnMachine(status: JujuStatus, service: string, machineId: string): JujuUnit | undefined {
  return status.services[service]?.units.find((u) => u.machine === machineId);
}

/**
 * The unit runs: its agent says `started` and really talks to Juju (not lost, its machine not
 * down). What waiting for a unit waits for.
 */
export function unitStarted(u: JujuUnit): boolean {
  return u.agentState === 'started' && u.agentDown === undefined && u.statusError === undefined;
}

/** The unit's state in a few words: `pending`, `started, machine 2 down`. */
export function unitStateText(u: JujuUnit): string {
  return [u.agentState, u.agentDown, u.statusError && `status-error: ${u.statusError}`].filter(Boolean).join(', ');
}

/** A unit failed: its agent says `error`, or its workload does (1.24+). */
export function unitFailed(u: JujuUnit): boolean {
  return u.agentState === 'error' || u.workloadState === 'error';
}

/** `service[:endpoint]` split. */
export function parseEndpoint(spec: string): { service: string; endpoint?: string } {
  const [service = spec, endpoint] = spec.split(':', 2);
  return endpoint ? { service, endpoint } : { service };
}

/**
 * Whether status shows the relation, as `juju add-relation A B` would have made it. Status lists
 * a relation under each service by that service's endpoint name; without an endpoint in the spec
 * any endpoint relating the two services counts (Juju infers it the same way, uniquely).
 */
export function hasRelation(status: JujuStatus, [a, b]: Relation): boolean {
  const left = parseEndpoint(a);
  const right = parseEndpoint(b);
  const seenFrom = (svc: JujuService, from: typeof left, to: typeof right) =>
    Object.entries(svc.relations).some(([endpoint, others]) => (from.endpoint === undefined || endpoint === from.endpoint) && others.includes(to.service));
  // A subordinate's side is always listed; check both sides and require both, so an endpoint
  // named on either side is honoured. A service that is not deployed relates to nothing.
  const leftService = status.services[left.service];
  const rightService = status.services[right.service];
  if (!leftService || !rightService) return false;
  return seenFrom(leftService, left, right) && seenFrom(rightService, right, left);
}
