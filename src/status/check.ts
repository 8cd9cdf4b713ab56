// One line of `opencloud status`: a thing checked on a host, its state and the detail an operator
// needs. Anything not `up` makes the cluster not up (exit 1).
export type CheckState = 'up' | 'down' | 'unreachable';

/** The sections of the report, in the order they print. */
export type SectionName = 'hosts' | 'juju' | 'forwards' | 'ports' | 'paths';

export const SECTION_TITLES: Readonly<Record<SectionName, string>> = {
  hosts: 'Hosts (SSH)',
  juju: 'Juju services and units',
  forwards: 'Router port forwards (iptables)',
  ports: 'Client ports (TCP connect from the router)',
  paths: 'Compute node paths to the management network (TCP connect from each node)',
};

export interface StatusCheck {
  readonly section: SectionName;
  /** The host (or Juju unit's machine) the check is about. */
  readonly host: string;
  readonly check: string;
  readonly state: CheckState;
  readonly detail: string;
}

export const isUp = (c: StatusCheck): boolean => c.state === 'up';

/** The cluster is up when every check is: an empty list says nothing was checked, which is not up. */
export const allUp = (checks: readonly StatusCheck[]): boolean => checks.length > 0 && checks.every(isUp);

export function countStates(checks: readonly StatusCheck[]): Record<CheckState, number> {
  const counts: Record<CheckState, number> = { up: 0, down: 0, unreachable: 0 };
  for (const c of checks) counts[c.state]++;
  return counts;
}

/** The first line of an error, without the noise of a stack. */
export function errorDetail(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim() || 'failed';
}
