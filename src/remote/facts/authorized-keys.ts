// authorized_keys handling: keys compare by type and blob (options and comments differ freely).
export interface PublicKey {
  readonly type: string;
  readonly blob: string;
  /** The line as read, for writing it out unchanged. */
  readonly line: string;
}

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

/** The public keys of a .pub file or authorized_keys text (options before the type are allowed). */
export function parsePublicKeys(text: string): PublicKey[] {
  const keys: PublicKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const at = fields.findIndex((f) => KEY_TYPE.test(f));
    if (at < 0 || !fields[at + 1] || !/^[A-Za-z0-9+/]+=*$/.test(fields[at + 1]!)) continue;
    keys.push({ type: fields[at]!, blob: fields[at + 1]!, line });
  }
  return keys;
}

/** The keys not yet authorized in `authorizedKeys`. */
export function missingKeys(authorizedKeys: string | null, wanted: readonly PublicKey[]): PublicKey[] {
  const have = new Set(parsePublicKeys(authorizedKeys ?? '').map((k) => `${k.type} ${k.blob}`));
  const seen = new Set<string>();
  return wanted.filter((k) => {
    const id = `${k.type} ${k.blob}`;
    if (have.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** authorized_keys with the keys appended, every existing line kept. */
export function withKeys(authorizedKeys: string | null, keys: readonly PublicKey[]): string {
  const current = authorizedKeys ?? '';
  const base = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  return base + keys.map((k) => `${k.line}\n`).join('');
}
