// `juju get SERVICE` of Juju 1.25, read as it prints it: YAML only. Its get command registers no
// other formatter (cmd/juju/service/get.go:59-62 at juju-1.25.9), so `--format=json` is a usage
// error (exit 2). The output is `service`, `charm` and `settings: {NAME: {description, type,
// value, default}}` (apiserver/client/get.go:43-60): `value` is the value set, or the charm's
// default (with `default: true`); a setting without either has no value.
import { parse } from 'yaml';

/** The settings that have a value, as strings (`1400`, `false`, `kvm`), by name. */
export function parseServiceSettings(text: string, service: string): Record<string, string> {
  let doc: unknown;
  try {
    // goyaml writes YAML 1.1: it quotes strings such as "yes" that 1.1 would read as booleans.
    doc = parse(text, { version: '1.1' });
  } catch (err) {
    throw new Error(`juju get ${service}: output is not YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const settings = isRecord(doc) ? doc['settings'] : undefined;
  if (!isRecord(settings)) throw new Error(`juju get ${service}: no settings mapping in its output`);
  const out: Record<string, string> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const value = isRecord(setting) ? setting['value'] : undefined;
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
