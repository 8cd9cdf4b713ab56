// The admin credentials file of the guide: sourced by a shell, so every value is single-quoted
// (a password may hold any character). Keystone's v2.0 API on its management address; clients
// reach that address through the router with the DNAT rule of dnat-rule.ts.
export interface OpenrcValues {
  readonly cluster: string;
  readonly keystoneIp: string;
  readonly password: string;
  /** Absolute path of the cluster's CA file. */
  readonly caFile: string;
}

export const KEYSTONE_PUBLIC_PORT = 5000;

/** A word for `sh`: single-quoted, a quote inside written as '\''. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderOpenrc(v: OpenrcValues): string {
  return [
    `# OpenStack admin credentials of cluster ${v.cluster} (written by opencloud client-config). Keep it private.`,
    `export OS_AUTH_URL=${shellWord(`https://${v.keystoneIp}:${KEYSTONE_PUBLIC_PORT}/v2.0`)}`,
    "export OS_TENANT_NAME='admin'",
    "export OS_USERNAME='admin'",
    `export OS_PASSWORD=${shellWord(v.password)}`,
    "export OS_REGION_NAME='RegionOne'",
    `export OS_CACERT=${shellWord(v.caFile)}`,
    '',
  ].join('\n');
}
