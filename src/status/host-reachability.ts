// Whether each host of the cluster answers over SSH and runs a command. Hosts on the management
// network are tried only when their jump host (the router) answered: otherwise each of them would
// wait out its own handshake for the same reason.
import type { ClusterHost, HostSession } from '../remote/host.ts';
import { errorDetail, type StatusCheck } from './check.ts';
import type { StatusSessions } from './status-sessions.ts';

export type Reach =
  | { readonly ok: true; readonly session: HostSession; readonly ms: number }
  | { readonly ok: false; readonly error: string; /** Not tried: its jump host is unreachable. */ readonly skipped?: boolean };

/** The reach of every host, by name. Never rejects. */
export async function reachHosts(sessions: StatusSessions, commandTimeoutMs: number): Promise<Map<string, Reach>> {
  const reach = new Map<string, Reach>();
  const attempt = async (host: ClusterHost) => {
    const started = Date.now();
    try {
      const session = await sessions.session(host.name);
      const r = await session.exec(['true'], { readOnly: true, timeoutMs: commandTimeoutMs });
      if (r.code !== 0) throw new Error(`\`true\` exited ${r.code ?? r.signal}: ${(r.stderr || r.stdout).trim()}`);
      reach.set(host.name, { ok: true, session, ms: Date.now() - started });
    } catch (err) {
      reach.set(host.name, { ok: false, error: errorDetail(err) });
    }
  };
  const hosts = sessions.cluster.hosts;
  await Promise.all(hosts.filter((h) => !h.via).map(attempt));
  await Promise.all(
    hosts
      .filter((h) => h.via)
      .map((h) => {
        const jump = reach.get(h.via!);
        if (jump && !jump.ok) {
          reach.set(h.name, { ok: false, skipped: true, error: `not tried: its jump host ${h.via} is unreachable` });
          return undefined;
        }
        return attempt(h);
      }),
  );
  return reach;
}

/** Where SSH goes for this host, for the operator. */
export function hostAddress(host: ClusterHost): string {
  return `${host.user}@${host.address}:${host.port}${host.via ? ` via ${host.via}` : ''}`;
}

export function hostCheck(host: ClusterHost, reach: Reach): StatusCheck {
  const base = { section: 'hosts' as const, host: host.name, check: `ssh (${host.roles.join(', ')})` };
  if (reach.ok) return { ...base, state: 'up', detail: `${hostAddress(host)}, answered in ${reach.ms} ms` };
  // Connection errors already name the host and address; other errors get them here.
  return { ...base, state: 'unreachable', detail: reach.error.includes(host.address) ? reach.error : `${hostAddress(host)}: ${reach.error}` };
}
