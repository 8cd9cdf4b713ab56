// Commands the lab tests run inside a host (not over SSH) to set a scene or look at it.
import type { LabHost } from './lab.ts';

/** Runs `sh -c cmd` as root inside the host; its stdout, or an error naming host, command and output. */
export async function must(host: LabHost, cmd: string, input?: string): Promise<string> {
  const r = await host.exec(cmd, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`${host.name}: ${cmd}: exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/**
 * A TCP listener on the host's address (python's HTTP server, serving /whoami = the host's name),
 * resolved once it accepts connections locally.
 */
export async function listen(host: LabHost, port: number): Promise<void> {
  await must(host, `mkdir -p /tmp/srv && echo ${host.name} > /tmp/srv/whoami`);
  await must(host, `cd /tmp/srv && setsid python3 -m http.server ${port} --bind ${host.ip} </dev/null >/tmp/http-${port}.log 2>&1 &`);
  for (let i = 0; i < 100; i++) {
    if ((await host.exec(`timeout 1 bash -c 'exec 3<>/dev/tcp/${host.ip}/${port}'`)).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${host.name}: listener on ${port} did not come up: ${(await host.exec(`cat /tmp/http-${port}.log`)).stdout}`);
}

/**
 * The host's SSH sessions: every sshd process but the listener (OpenSSH forks one or two per
 * connection, `sshd: root@notty`), as `pid command line`.
 */
export async function sshdSessions(host: LabHost): Promise<string[]> {
  const out = await must(
    host,
    'listener=$(cat /run/sshd.pid 2>/dev/null); for p in /proc/[0-9]*; do pid=${p#/proc/}; ' +
      'case "$(cat "$p/comm" 2>/dev/null)" in sshd | sshd-session | sshd-auth) [ "$pid" = "$listener" ] || echo "$pid $(tr "\\0" " " < "$p/cmdline")" ;; esac; done; true',
  );
  return out.split('\n').filter(Boolean);
}
