// Secrets never reach a log or the terminal: values a step registers, plus what looks like a
// password assignment or a private key block.
export const REDACTED = '[REDACTED]';

const PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`],
  // OS_PASSWORD=..., password=..., PASSWORD: ..., "password": "..." (the value up to a quote, space or end)
  [/\b((?:[A-Z0-9_]*_)?PASSWORD|[a-z0-9_]*password|passwd|secret|token)(\s*[=:]\s*)("?)([^\s"',;&|]+)/gi, `$1$2$3${REDACTED}`],
  [/("(?:[a-z0-9_]*password|passwd|secret|token)"\s*:\s*")([^"]*)"/gi, `$1${REDACTED}"`],
];

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
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  }
}
