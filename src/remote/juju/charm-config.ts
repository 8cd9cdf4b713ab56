// The file `juju deploy --config FILE` reads: `SERVICE:` then one `key: value` per setting.
// Keys and values are written as double-quoted (JSON) scalars, valid YAML whatever they contain,
// so a value such as `cloud:trusty-icehouse` or `a=b` can never be misread.
export function charmConfigYaml(service: string, settings: Readonly<Record<string, string>>): string {
  const lines = [`${JSON.stringify(service)}:`];
  for (const [key, value] of Object.entries(settings)) lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return `${lines.join('\n')}\n`;
}
