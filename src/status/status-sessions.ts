// SSH sessions for a status run: the engine's pool, host key policy and sessions, tuned so a dead
// host costs one bounded handshake instead of the bootstrap's retries with backoff (4 attempts of
// up to 20 s each). Every command is read-only (phase `check`); nothing is recorded locally either:
// unknown host keys are refused, never added to known_hosts.
import { readFileSync } from 'node:fs';
import { expandPath } from '../bootstrap/bootstrap.ts';
import { resolveCluster } from '../bootstrap/cluster-hosts.ts';
import { ConnectionPool } from '../bootstrap/connection-pool.ts';
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../bootstrap/connection.ts';
import { HostKeyPolicy } from '../bootstrap/host-keys.ts';
import { KnownHosts } from '../bootstrap/known-hosts.ts';
import type { StackOutputs } from '../bootstrap/outputs.ts';
import { Redactor } from '../bootstrap/redact.ts';
import { RemoteHost } from '../bootstrap/session.ts';
import type { BootstrapCluster, HostSession } from '../bootstrap/step.ts';
import type { ClusterModel } from '../inventory/model.ts';

/** Default SSH handshake limit (TCP connect included) per host. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** The bootstrap's connection settings with one attempt and a short handshake. */
export function statusConnectionSettings(connectTimeoutMs: number): Omit<ConnectionSettings, 'privateKey' | 'agent'> {
  return {
    ...DEFAULT_CONNECTION_SETTINGS,
    readyTimeoutMs: connectTimeoutMs,
    attempts: 1,
    backoffMs: 0,
    // A connection that dies mid-check is noticed within a few seconds, not 15.
    keepaliveIntervalMs: 1_000,
    keepaliveCountMax: 3,
  };
}

export interface StatusSessions {
  readonly cluster: BootstrapCluster;
  /** The host's session; rejects when it cannot connect (after one attempt). */
  session(hostName: string): Promise<HostSession>;
  close(): void;
}

export interface StatusSessionsOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  readonly connectTimeoutMs?: number;
  /** Each command, redacted, as it runs (for --verbose). */
  readonly onCommand?: (line: string) => void;
}

export function openStatusSessions(opts: StatusSessionsOptions): StatusSessions {
  const cluster = resolveCluster(opts.model, opts.outputs);
  const ssh = opts.model.ssh;
  const redactor = new Redactor();
  const pool = new ConnectionPool({
    hosts: cluster.hosts,
    settings: { ...statusConnectionSettings(opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS), ...privateKeyOrAgent(ssh.privateKeyFile) },
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
        phase: 'check', // status changes nothing on any host
        step: 'status',
        redactor,
        onCommand: (r) => opts.onCommand?.(`${r.host}: ${r.command}${r.code !== undefined ? ` (exit ${r.code}, ${r.ms} ms)` : r.error ? ` (${r.error})` : ''}`),
      });
    },
    close: () => pool.closeAll(),
  };
}

// The same rule as a bootstrap run (bootstrap.ts keeps its copy private).
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
