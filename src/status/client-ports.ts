// The client ports: for each forward, does the service VM accept a TCP connection on its port,
// tried from the router (where the DNAT sends the client's traffic)? bash's /dev/tcp under
// `timeout`, so a filtered port costs PROBE_SECONDS, never a TCP retry cycle.
import { serviceVmAddress } from '../remote/router/controller-addresses.ts';
import type { ResolvedCluster, ExecResult, HostSession } from '../remote/host.ts';
import type { PortForward } from '../inventory/reference.ts';
import { errorDetail, type StatusCheck } from './check.ts';

export const PROBE_SECONDS = 3;

/** `timeout` exits 124 when the command ran out of time. */
const TIMED_OUT = 124;

/** The probe as argv: address and port are positional parameters, never shell text. */
export function probeCommand(address: string, port: number): readonly string[] {
  return ['timeout', String(PROBE_SECONDS), 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'probe', address, String(port)];
}

/** What the probe's exit says about the port. */
export function judgeProbe(result: ExecResult): Pick<StatusCheck, 'state' | 'detail'> {
  if (result.code === 0) return { state: 'up', detail: 'open' };
  if (result.code === TIMED_OUT) return { state: 'down', detail: `no answer within ${PROBE_SECONDS} s (filtered or host down)` };
  if (result.code === 127) return { state: 'down', detail: `cannot probe: ${lastLine(result.stderr) || 'timeout or bash missing on the router'}` };
  // bash: connect: Connection refused / No route to host
  const reason = /connect:\s*(.+)$/m.exec(result.stderr)?.[1]?.trim() ?? lastLine(result.stderr);
  return { state: 'down', detail: reason ? reason.charAt(0).toLowerCase() + reason.slice(1) : `probe exited ${result.code ?? result.signal}` };
}

/** `tcp 192.168.100.40:5000`. */
export function portCheckName(cluster: ResolvedCluster, f: PortForward): string {
  return `tcp ${serviceVmAddress(cluster, f.vm)}:${f.vmPort}`;
}

export async function probeForward(router: HostSession, cluster: ResolvedCluster, f: PortForward): Promise<StatusCheck> {
  const address = serviceVmAddress(cluster, f.vm);
  const base = { section: 'ports' as const, host: f.vm, check: portCheckName(cluster, f) };
  const forwarded = `(router :${f.port})`;
  try {
    const result = await router.exec(probeCommand(address, f.vmPort), { readOnly: true, timeoutMs: (PROBE_SECONDS + 3) * 1000 });
    const judged = judgeProbe(result);
    return { ...base, state: judged.state, detail: `${judged.detail} ${forwarded}` };
  } catch (err) {
    return { ...base, state: 'down', detail: `probe failed: ${errorDetail(err)} ${forwarded}` };
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
