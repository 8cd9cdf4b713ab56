// Secrets never reach a log or the terminal: values a step registers, plus what looks like a secret
// by its key's name or by its shape, in the spellings remote output has:
// - shell and config assignments: `OS_PASSWORD=x`, `admin-password: x`, `"token": "x"`, with the
//   value bare (backslash escapes allowed), single-quoted (`'it'\''s a pw'`) or double-quoted;
// - Juju's settings (`juju get`, 1.25: `settings: {NAME: {description, type, value}}`), where the
//   secret is the `value` (or `default`) under a secret name, in YAML block or flow style or JSON;
// - passwords in URLs (`mysql://nova:pw@host/nova`), private key blocks.
export const REDACTED = '[REDACTED]';

/** Key names whose values are secrets (matched anywhere in the name, any case). */
const SECRET_WORD = String.raw`(?:password|passwd|passphrase|secret|token|credentials?|private[-_]?key|ssl[-_]?key|api[-_]?key|access[-_]?key)`;
const NAME = String.raw`[A-Za-z0-9_.-]*${SECRET_WORD}[A-Za-z0-9_.-]*`;
const SECRET_NAME = new RegExp(`^${NAME}$`, 'i');

/** A value as written: single-quoted (shell style, with '\'' inside), double-quoted (escapes), or bare. */
const SINGLE = String.raw`'[^']*'(?:\\''[^']*')*`;
const DOUBLE = String.raw`"(?:[^"\\]|\\.)*"`;
const BARE = String.raw`(?:\\.|[^\s"'{\[,;&|}\]\\])(?:\\.|[^\s,;&|}\]\\])*`;
const VALUE = `(?:${SINGLE}|${DOUBLE}|${BARE})`;

/** Booleans stay: `default: true` says whether a setting was changed, and is no secret. */
const NOT_SECRET = /^(?:true|false|null|""|'')$/i;

const redactValue = (value: string): string => {
  if (NOT_SECRET.test(value)) return value;
  if (value.startsWith('"')) return `"${REDACTED}"`;
  if (value.startsWith("'")) return `'${REDACTED}'`;
  return REDACTED;
};

const PATTERNS: readonly [RegExp, (...groups: string[]) => string][] = [
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${REDACTED}-----END ${kind}PRIVATE KEY-----`],
  // A secret name whose value is a mapping (flow YAML, JSON): its `value` and `default` fields.
  [
    new RegExp(String.raw`(["']?(?<![A-Za-z0-9_.-])${NAME}["']?[ \t]*:[ \t]*)\{((?:[^{}"]|${DOUBLE})*)\}`, 'gi'),
    (_m, head, body) => `${head}{${body!.replace(new RegExp(String.raw`(["']?\b(?:value|default)["']?\s*:\s*)(${VALUE})`, 'gi'), (_n, k, v) => `${k}${redactValue(v)}`)}}`,
  ],
  // NAME=value, NAME: value, "NAME": "value" (the value on the same line).
  [new RegExp(String.raw`(["']?(?<![A-Za-z0-9_.-])${NAME}["']?)([ \t]*[=:][ \t]*)(${VALUE})`, 'gi'), (_m, k, sep, v) => `${k}${sep}${redactValue(v!)}`],
  // scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)([^\s@/'"]+)(@)/gi, (_m, head, _pw, at) => `${head}${REDACTED}${at}`],
];

/** One YAML line: indent, optional list dash, key, and what follows the colon. */
const YAML_KEY = /^(\s*)(?:-\s+)?(["']?)([A-Za-z0-9_.-]+)\2:(?:[ \t]+(.*))?$/;

/**
 * Block-style YAML: a secret name on a line of its own opens a mapping whose `value`/`default` is
 * the secret; a secret scalar may go on over more-indented lines (plain wrapped, `|` or `>`).
 */
function redactYamlBlocks(text: string): string {
  if (!/:[ \t]*$/m.test(text) && !/:[ \t]*[|>]/.test(text)) return text;
  const lines = text.split('\n');
  let secretMapIndent = -1; // indent of the secret name whose mapping we are inside
  let continuationIndent = -1; // lines more indented than this continue a redacted scalar
  const indentOf = (l: string) => /^\s*/.exec(l)![0].length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const indent = indentOf(line);
    if (continuationIndent >= 0) {
      if (indent > continuationIndent) {
        lines[i] = `${' '.repeat(indent)}${REDACTED}`;
        continue;
      }
      continuationIndent = -1;
    }
    if (secretMapIndent >= 0 && indent <= secretMapIndent) secretMapIndent = -1;
    const m = YAML_KEY.exec(line);
    if (!m) continue;
    const [, , , key, rest = ''] = m;
    const value = rest.trim();
    const secretScalar = SECRET_NAME.test(key!) || (secretMapIndent >= 0 && /^(?:value|default)$/i.test(key!));
    if (SECRET_NAME.test(key!) && value === '') {
      secretMapIndent = indent;
      continue;
    }
    if (!secretScalar || value === '' || NOT_SECRET.test(value) || value.startsWith('{')) continue;
    lines[i] = `${line.slice(0, line.length - rest.length)}${/^[|>]/.test(value) ? value : redactValue(value)}`;
    continuationIndent = indent;
  }
  return lines.join('\n');
}

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value to redact wherever it appears. Values shorter than 4 characters are ignored. */
  add(value: string): void {
    const v = value.trim();
    if (v.length >= 4) this.secrets.add(v);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    out = redactYamlBlocks(out);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement as (...args: string[]) => string);
    return out;
  }
}
