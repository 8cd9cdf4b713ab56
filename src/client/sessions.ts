// SSH sessions to a cluster's hosts outside a bootstrap run (client-config reads two files): the
// engine's connections, host key policy and sessions, every command read-only, nothing logged
// but the commands themselves, redacted (their output may hold secrets).
import { readFileSync } from 'node:fs';
import { expandPath } from '../bootstrap/bootstrap.ts';
import { resolveCluster } from '../bootstrap/cluster-hosts.ts';
import { ConnectionPool } from '../bootstrap/connection-pool.ts';
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../bootstrap/connection.ts';
import { HostKeyPolicy } from '../bootstrap/host-keys.ts';
import { KnownHosts } from '../bootstrap/known-hosts.ts';
import type { StackOutputs } from '../bootstrap/outputs.ts';
import type { Redactor } from '../bootstrap/redact.ts';
import { RemoteHost } from '../bootstrap/session.ts';
import type { BootstrapCluster, HostSession } from '../bootstrap/step.ts';
import type { ClusterModel } from '../inventory/model.ts';

export interface ClusterSessions {
  readonly cluster: BootstrapCluster;
  session(hostName: string): Promise<HostSession>;
  close(): void;
}

export interface ClusterSessionsOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  readonly redactor: Redactor;
  /** Each command, redacted, as it runs (for --verbose). */
  readonly onCommand?: (line: string) => void;
}

export function openClusterSessions(opts: ClusterSessionsOptions): ClusterSessions {
  const cluster = resolveCluster(opts.model, opts.outputs);
  const ssh = opts.model.ssh;
  const settings: ConnectionSettings = { ...DEFAULT_CONNECTION_SETTINGS, ...privateKeyOrAgent(ssh.privateKeyFile) };
  const pool = new ConnectionPool({
    hosts: cluster.hosts,
    settings,
    // Host keys are verified as in a bootstrap run; unknown ones are refused (bootstrap records them).
    policy: new HostKeyPolicy({ knownHosts: new KnownHosts(expandPath(ssh.knownHostsFile ?? '~/.ssh/known_hosts')), acceptNew: false }),
  });
  return {
    cluster,
    async session(hostName) {
      const connection = pool.get(hostName);
      await connection.ensure();
      return new RemoteHost({
        connection,
        dryRun: false,
        phase: 'check', // read-only: client-config changes nothing on the cluster
        step: 'client-config',
        redactor: opts.redactor,
        onCommand: (record) => opts.onCommand?.(`${record.host}: ${record.command}${record.code !== undefined ? ` (exit ${record.code})` : ''}`),
      });
    },
    close: () => pool.closeAll(),
  };
}

function privateKeyOrAgent(file: string | undefined): { privateKey?: string; agent?: string } {
  if (file) {
    const path = expandPath(file);
    try {
      return { privateKey: readFileSync(path, 'utf8') };
    } catch (err) {
      throw new Error(`cannot read ssh.privateKeyFile ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  throw new Error('no SSH key: set ssh.privateKeyFile in the inventory, or run an SSH agent (SSH_AUTH_SOCK)');
}
