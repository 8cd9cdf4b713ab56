// The run's connections: one per host, opened on first use, the router's shared as the jump host
// of every host on the management network. Handshakes are bounded across the whole run. Once
// closed, the pool hands out no connection and none of its connections reconnects.
import { ConnectionClosedError, SshConnection, type ConnectEvent, type ConnectionSettings } from './connection.ts';
import type { HostKeyPolicy } from './host-keys.ts';
import { Limiter } from './limiter.ts';
import type { ClusterHost } from './host.ts';

export interface ConnectionPoolOptions {
  readonly hosts: readonly ClusterHost[];
  readonly settings: ConnectionSettings;
  readonly policy: HostKeyPolicy;
  /** Handshakes in flight at once (sshd's MaxStartups starts dropping past 10). Default 8. */
  readonly maxConnecting?: number;
  readonly onConnect?: (event: ConnectEvent) => void;
}

export class ConnectionPool {
  private readonly connections = new Map<string, SshConnection>();
  private readonly byName: Map<string, ClusterHost>;
  private readonly connectLimiter: Limiter;
  private closedFor?: string;

  constructor(private readonly opts: ConnectionPoolOptions) {
    this.byName = new Map(opts.hosts.map((h) => [h.name, h]));
    this.connectLimiter = new Limiter(opts.maxConnecting ?? 8);
  }

  /** The host's connection object (not yet connected: call ensure or exec). */
  get(hostName: string): SshConnection {
    if (this.closedFor !== undefined) throw new ConnectionClosedError(hostName, this.closedFor);
    const existing = this.connections.get(hostName);
    if (existing) return existing;
    const host = this.byName.get(hostName);
    if (!host) throw new Error(`no host named "${hostName}" in this cluster`);
    const via = host.via;
    if (via !== undefined && !this.byName.has(via)) throw new Error(`${host.name}: jump host "${via}" is not a host of this cluster`);
    const conn = new SshConnection({
      host,
      settings: this.opts.settings,
      policy: this.opts.policy,
      connectLimiter: this.connectLimiter,
      ...(via !== undefined
        ? {
            jump: async () => {
              const j = this.get(via);
              await j.ensure();
              return j;
            },
          }
        : {}),
      ...(this.opts.onConnect ? { onConnect: this.opts.onConnect } : {}),
    });
    this.connections.set(hostName, conn);
    return conn;
  }

  /** Closes every connection for good, jump-reached hosts before their jump host. Idempotent. */
  closeAll(reason = 'closed by the bootstrap'): void {
    this.closedFor ??= reason;
    const all = [...this.connections.values()];
    for (const c of all.filter((c) => c.host.via)) c.close(this.closedFor);
    for (const c of all.filter((c) => !c.host.via)) c.close(this.closedFor);
  }
}
