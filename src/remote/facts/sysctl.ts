// Kernel settings a step keeps in a file of /etc/sysctl.d (so a boot restores them) and live.
// One reader of live values for every step and for status: /proc/sys, which needs no sysctl
// binary, no PATH and no root.
import type { ExecOptions, HostSession } from '../host.ts';

/** A file of /etc/sysctl.d that one step owns. */
export interface SysctlFile {
  readonly path: string;
  /** First line of the file, after `# `: who wrote it and why. */
  readonly comment: string;
  /** Key -> value, in the order written. */
  readonly settings: Readonly<Record<string, string>>;
}

export function sysctlFileContent(file: SysctlFile): string {
  return [`# ${file.comment}`, ...Object.entries(file.settings).map(([k, v]) => `${k} = ${v}`), ''].join('\n');
}

// Prints each key's live value, read from /proc/sys ("?" when the key does not exist).
const LIVE_SYSCTLS_SCRIPT = 'for k in "$@"; do printf "%s " "$k"; tr -d "\\n" < "/proc/sys/$(echo "$k" | tr . /)" || printf "?"; echo; done';

/** The live value of each key (read-only). */
export async function readSysctls(session: HostSession, keys: readonly string[], options: Pick<ExecOptions, 'timeoutMs'> = {}): Promise<Map<string, string>> {
  const out = await session.run({ script: LIVE_SYSCTLS_SCRIPT, args: [...keys] }, { ...options, readOnly: true });
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const space = l.indexOf(' ');
        return [l.slice(0, space), l.slice(space + 1).trim()] as [string, string];
      }),
  );
}

/** The keys of the file whose live value differs from it (read-only). */
export async function staleSysctls(session: HostSession, file: SysctlFile): Promise<string[]> {
  const live = await readSysctls(session, Object.keys(file.settings));
  return Object.entries(file.settings)
    .filter(([k, v]) => live.get(k) !== v)
    .map(([k]) => k);
}

/** Loads the file's settings into the running kernel. */
export async function applySysctlFile(session: HostSession, file: SysctlFile): Promise<void> {
  await session.run(['sysctl', '-q', '-p', file.path], { sudo: true });
}
