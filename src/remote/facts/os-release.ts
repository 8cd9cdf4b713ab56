// /etc/os-release (freedesktop.org format): KEY=value lines, values optionally quoted.
export interface OsRelease {
  /** e.g. `ubuntu`, `debian`. */
  readonly id: string;
  /** e.g. `14.04`. */
  readonly versionId: string;
  /** e.g. `trusty`; empty when the file does not say. */
  readonly codename: string;
  readonly prettyName: string;
}

export function parseOsRelease(text: string): OsRelease {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2]!;
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    values[m[1]!] = value;
  }
  return {
    id: values.ID ?? '',
    versionId: values.VERSION_ID ?? '',
    codename: values.VERSION_CODENAME ?? values.UBUNTU_CODENAME ?? '',
    prettyName: values.PRETTY_NAME ?? values.NAME ?? '',
  };
}
