// SSH sessions for a status run: the read-only sessions, tuned so a dead host costs one bounded
// handshake instead of the bootstrap's retries with backoff (4 attempts of up to 20 s each).
import { DEFAULT_CONNECTION_SETTINGS, type ConnectionSettings } from '../remote/connection.ts';
import type { StackOutputs } from '../inventory/stack-outputs.ts';
import { openReadOnlySessions, type ReadOnlySessions } from '../remote/read-only-sessions.ts';
import { Redactor } from '../remote/redact.ts';
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

export type StatusSessions = ReadOnlySessions;

export interface StatusSessionsOptions {
  readonly model: ClusterModel;
  readonly outputs?: StackOutputs;
  readonly connectTimeoutMs?: number;
  /** Each command, redacted, as it runs (for --verbose). */
  readonly onCommand?: (line: string) => void;
  /** Stops the status run (SIGINT, SIGTERM). */
  readonly signal?: AbortSignal;
}

export function openStatusSessions(opts: StatusSessionsOptions): StatusSessions {
  return openReadOnlySessions({
    model: opts.model,
    ...(opts.outputs ? { outputs: opts.outputs } : {}),
    redactor: new Redactor(),
    purpose: 'status',
    settings: statusConnectionSettings(opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    ...(opts.onCommand ? { onCommand: opts.onCommand } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
