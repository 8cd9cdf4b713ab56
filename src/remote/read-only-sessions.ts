// SSH sessions to a cluster's hosts outside a bootstrap run (client-config, status): the engine's
// connections, host key policy and sessions, every command read-only (phase `check`). Unknown host
// keys are refused, never recorded: a bootstrap run is where keys are accepted. Stopped (SIGINT,
// SIGTERM), they start no command and close every connection at once: there is nothing to finish.
import { resolveCluster } from './cluster-hosts.ts';
import { ConnectionPool } from './connection-pool.ts';
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from './connection.ts';
import { HostKeyPolicy } from './host-keys.ts';
import { KnownHosts } from './known-hosts.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';
import type { Redactor } from './redact.ts';
import { RemoteHost } from './session.ts';
import { expandPath, sshCredentials } from './ssh-credentials.ts';
import { stopReason } from './interruption.ts';
import type { ResolvedCluster, HostSession } from './host.ts';
import type { ClusterModel } from '../inventory/model.ts';

export interface ReadOnlySessions {
  readonly cluster: ResolvedCluster;
  /** The host's session, connected on first use; rejects when it cannot connect. */
  session(hostName: string): Promise<HostSession>;
  close(): void;
}

export interface ReadOnlySessionsOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  readonly redactor: Redactor;
  /** Named in the commands' records, e.g. `status`. */
  readonly purpose: string;
  /** Connection settings other than the key. @default the bootstrap's */
  readonly settings?: Omit<ConnectionSettings, 'privateKey' | 'agent'>;
  /** Each command, redacted, as it runs (for --verbose). */
  readonly onCommand?: (line: string) => void;
  /** Stops every session: no command starts, the connections close. @default never stopped */
  readonly signal?: AbortSignal;
}

export function openReadOnlySessions(opts: ReadOnlySessionsOptions): ReadOnlySessions {
  const cluster = resolveCluster(opts.model, opts.outputs);
  const ssh = opts.model.ssh;
  const pool = new ConnectionPool({
    hosts: cluster.hosts,
    settings: { ...(opts.settings ?? DEFAULT_CONNECTION_SETTINGS), ...sshCredentials(ssh.privateKeyFile) },
    policy: new HostKeyPolicy({ knownHosts: new KnownHosts(expandPath(ssh.knownHostsFile ?? '~/.ssh/known_hosts')), acceptNew: false }),
  });
  const signal = opts.signal;
  const stop = () => pool.closeAll(stopReason(signal!));
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  return {
    cluster,
    async session(hostName) {
      const connection = pool.get(hostName);
      await connection.ensure();
      return new RemoteHost({
        connection,
        dryRun: false,
        phase: 'check',
        step: opts.purpose,
        redactor: opts.redactor,
        ...(signal ? { signal } : {}),
        onCommand: (r) =>
          opts.onCommand?.(`${r.host}: ${r.command}${r.code !== undefined ? ` (exit ${r.code}, ${r.ms} ms)` : r.error ? ` (${r.error})` : ''}`),
      });
    },
    close: () => {
      signal?.removeEventListener('abort', stop);
      pool.closeAll(`${opts.purpose} has ended`);
    },
  };
}
