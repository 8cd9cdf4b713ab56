// The rule that lets a client off the management network use the endpoints Keystone hands out
// (management addresses): its own outgoing TCP to the management network is sent to the router's
// public address instead, where the port forwards take it to the right VM (the guide's rule).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The rule's arguments after `iptables -t nat -A|-C`. */
export function clientDnatRule(managementCidr: string, routerPublicIp: string): string[] {
  return ['OUTPUT', '-p', 'tcp', '-d', managementCidr, '-j', 'DNAT', '--to-destination', routerPublicIp];
}

/** As the operator types it. */
export function clientDnatCommand(managementCidr: string, routerPublicIp: string): string {
  return ['iptables', '-t', 'nat', '-A', ...clientDnatRule(managementCidr, routerPublicIp)].join(' ');
}

/**
 * Adds the rule on this machine unless `iptables -t nat -C` finds it already. Resolves whether it
 * was added. Needs root.
 */
export async function applyClientDnat(managementCidr: string, routerPublicIp: string): Promise<boolean> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('--apply changes this machine\'s iptables: run it as root (or add the printed rule yourself)');
  }
  const rule = clientDnatRule(managementCidr, routerPublicIp);
  try {
    await run('iptables', ['-t', 'nat', '-C', ...rule]);
    return false;
  } catch (err) {
    // -C exits 1 when the rule is missing; anything else (no iptables, no permission) is a failure.
    const e = err as { code?: number | string; stderr?: string; message: string };
    if (e.code !== 1) throw new Error(`iptables -t nat -C failed: ${e.stderr?.trim() || e.message}`);
  }
  await run('iptables', ['-t', 'nat', '-A', ...rule]);
  return true;
}
