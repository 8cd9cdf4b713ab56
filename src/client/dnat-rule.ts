// The rules that let a client off the management network use the endpoints Keystone hands out
// (a service VM's management address and the VM's port): for each forwarded VM port, the client's
// own outgoing TCP to that address and port is sent to the router's public address and the public
// port forwarded to it (dashboard :80 -> router :8080, nagios :80 -> router :3128). Nothing else
// to the management network is redirected. Each rule carries a comment naming the cluster, so two
// clusters' rules on one client are told apart and a re-run replaces only its own.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { quoteArgv } from '../remote/quoting.ts';

const run = promisify(execFile);

/** One endpoint the router forwards: clients address `vmIp:vmPort`, the router listens on `port`. */
export interface ClientForward {
  readonly vmIp: string;
  readonly vmPort: number;
  /** The router's public port forwarded to vmIp:vmPort. */
  readonly port: number;
}

/** The comment on this cluster's rules (cluster names are DNS labels: no quote can occur). */
export const clientDnatComment = (cluster: string): string => `opencloud client-config ${cluster}`;

/**
 * The rules' arguments after `iptables -t nat -A`, one per forwarded VM address and port (the
 * first forward wins if the inventory forwards one VM port twice).
 */
export function clientDnatRules(cluster: string, forwards: readonly ClientForward[], routerPublicIp: string): string[][] {
  const seen = new Set<string>();
  const rules: string[][] = [];
  for (const f of forwards) {
    const key = `${f.vmIp}:${f.vmPort}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push([
      'OUTPUT', '-d', `${f.vmIp}/32`, '-p', 'tcp', '-m', 'tcp', '--dport', String(f.vmPort),
      '-m', 'comment', '--comment', clientDnatComment(cluster),
      '-j', 'DNAT', '--to-destination', `${routerPublicIp}:${f.port}`,
    ]);
  }
  return rules;
}

/** As the operator types them, one command a line. */
export function clientDnatCommands(cluster: string, forwards: readonly ClientForward[], routerPublicIp: string): string[] {
  return clientDnatRules(cluster, forwards, routerPublicIp).map((r) => quoteArgv(['iptables', '-t', 'nat', '-A', ...r]));
}

/** A rule as `iptables -S` / `iptables-save` print it (the comment quoted: it holds spaces). */
export function savedForm(rule: readonly string[]): string {
  return `-A ${rule.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`;
}

/**
 * The rule earlier versions of client-config added: all TCP to the management network sent to the
 * router. Removed when this cluster's rules are applied, since it would shadow them.
 */
export function legacyClientDnatRule(managementCidr: string, routerPublicIp: string): string {
  return `-A OUTPUT -d ${managementCidr} -p tcp -j DNAT --to-destination ${routerPublicIp}`;
}

/**
 * The `iptables-restore --noflush` input that makes the nat OUTPUT chain (`iptables -t nat -S
 * OUTPUT` lines) hold exactly `desired` as this cluster's rules, in one transaction: this
 * cluster's old rules and the legacy rule deleted, the desired ones appended. Null when the chain
 * already has them, in order, and nothing to delete.
 */
export function clientDnatRestore(cluster: string, chain: readonly string[], desired: readonly (readonly string[])[], legacyRule: string): string | null {
  const marker = `--comment "${clientDnatComment(cluster)}"`;
  const ours = chain.map((l) => l.trim()).filter((l) => l.startsWith('-A OUTPUT ') && (l.includes(`${marker} `) || l.endsWith(marker)));
  const legacy = chain.map((l) => l.trim()).filter((l) => l === legacyRule);
  const want = desired.map(savedForm);
  if (legacy.length === 0 && ours.length === want.length && ours.every((l, i) => l === want[i])) return null;
  return ['*nat', ...[...ours, ...legacy].map((l) => l.replace(/^-A /, '-D ')), ...want, 'COMMIT', ''].join('\n');
}

/**
 * The other clusters whose client-config rules in the chain catch one of the desired rules'
 * address and port first (two clusters on one management network: the earlier rule wins).
 */
export function shadowingClusters(cluster: string, chain: readonly string[], desired: readonly (readonly string[])[]): string[] {
  const endpoint = (rule: string) => /-d (\S+) .*--dport (\d+) /.exec(rule)?.slice(1, 3).join(':');
  const wanted = new Set(desired.map((r) => endpoint(savedForm(r))));
  const others = new Set<string>();
  for (const line of chain) {
    const owner = /--comment "opencloud client-config ([^"]+)"/.exec(line)?.[1];
    if (owner !== undefined && owner !== cluster && wanted.has(endpoint(line))) others.add(owner);
  }
  return [...others];
}

export interface ClientDnatResult {
  /** Whether the chain was changed. */
  readonly changed: boolean;
  /** Other clusters whose rules take the same endpoints first. */
  readonly shadowedBy: readonly string[];
}

/**
 * Makes this machine's nat OUTPUT chain hold exactly this cluster's rules, atomically (one
 * `iptables-restore --noflush` transaction). Needs root.
 */
export async function applyClientDnat(opts: {
  cluster: string;
  forwards: readonly ClientForward[];
  routerPublicIp: string;
  managementCidr: string;
}): Promise<ClientDnatResult> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('--apply changes this machine\'s iptables: run it as root (or add the printed rules yourself)');
  }
  let listed: string;
  try {
    listed = (await run('iptables', ['-t', 'nat', '-S', 'OUTPUT'])).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`iptables -t nat -S OUTPUT failed: ${e.stderr?.trim() || e.message}`);
  }
  const chain = listed.split('\n');
  const desired = clientDnatRules(opts.cluster, opts.forwards, opts.routerPublicIp);
  const shadowedBy = shadowingClusters(opts.cluster, chain, desired);
  const input = clientDnatRestore(opts.cluster, chain, desired, legacyClientDnatRule(opts.managementCidr, opts.routerPublicIp));
  if (input !== null) await restore(input);
  return { changed: input !== null, shadowedBy };
}

/** Feeds `iptables-restore --noflush` its input; rejects with its stderr on failure. */
function restore(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('iptables-restore', ['--noflush'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(`iptables-restore: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore --noflush failed (exit ${code}): ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}
