// OpenSSH known_hosts files: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port` names for
// ports other than 22, negated and wildcard patterns, `@revoked` markers. Fingerprints are written the
// way `ssh-keygen -lf` prints them: `SHA256:` + unpadded base64 of the key blob's SHA-256.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  /** Comma-separated patterns, or one `|1|salt|hash` hashed name. */
  readonly hosts: string;
  readonly keyType: string;
  /** Base64 of the key blob. */
  readonly key: string;
  readonly marker?: '@revoked' | '@cert-authority';
  readonly line: number;
}

/** `SHA256:...` of a key blob, as `ssh-keygen -lf` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside a key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/** The name a host has in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return; // malformed lines are ignored, as ssh does
    entries.push({ hosts, keyType, key, line: i + 1, ...(marker ? { marker } : {}) });
  });
  return entries;
}

/** Whether `name` (already in `[host]:port` form if needed) matches an entry's host field. */
export function hostMatches(hostsField: string, name: string): boolean {
  if (hostsField.startsWith('|1|')) {
    const [, , salt, hash] = hostsField.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of hostsField.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (globMatch(p.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

export type KnownHostVerdict =
  | { readonly kind: 'match' }
  /** No entry at all for this host: trust on first use may record it. */
  | { readonly kind: 'unknown' }
  /**
   * The host has known keys and presented none of them, whatever its type: someone may be in the
   * middle (a host that offers a type we do not know is no newer than one that offers a new key).
   */
  | { readonly kind: 'changed'; readonly expected: readonly string[]; readonly lines: readonly number[] }
  | { readonly kind: 'revoked'; readonly line: number };

export class KnownHosts {
  private entries: KnownHostEntry[];

  constructor(readonly file: string, text?: string) {
    this.entries = parseKnownHosts(text ?? (existsSync(file) ? readFileSync(file, 'utf8') : ''));
  }

  /** Entries (not markers) whose host field matches `name`. */
  entriesFor(name: string): KnownHostEntry[] {
    return this.entries.filter((e) => e.marker === undefined && hostMatches(e.hosts, name));
  }

  /** Key types known for a host, to offer those algorithms first. */
  keyTypesFor(name: string): string[] {
    return [...new Set(this.entriesFor(name).map((e) => e.keyType))];
  }

  verify(name: string, keyBlob: Buffer): KnownHostVerdict {
    const key = keyBlob.toString('base64');
    const revoked = this.entries.find((e) => e.marker === '@revoked' && e.key === key);
    if (revoked) return { kind: 'revoked', line: revoked.line };
    const mine = this.entriesFor(name);
    if (mine.some((e) => e.key === key)) return { kind: 'match' };
    if (mine.length > 0) {
      return {
        kind: 'changed',
        expected: mine.map((e) => `${e.keyType} ${fingerprint(Buffer.from(e.key, 'base64'))}`),
        lines: mine.map((e) => e.line),
      };
    }
    return { kind: 'unknown' };
  }

  /** Records a host's key (plain name, as `ssh -o StrictHostKeyChecking=accept-new` would). */
  add(name: string, keyBlob: Buffer): string {
    const line = `${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
    mkdirSync(dirname(this.file), { recursive: true });
    // Make sure the new entry starts on a line of its own.
    const existing = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    appendFileSync(this.file, `${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`, { mode: 0o600 });
    this.entries.push({ hosts: name, keyType: keyTypeOf(keyBlob), key: keyBlob.toString('base64'), line: this.entries.length + 1 });
    return line;
  }
}

/**
 * known_hosts text in which `name` is known by `key` (`TYPE BASE64`), for a file someone else's ssh
 * reads (the Juju user's): null when that key is already there for the name. Otherwise the other
 * keys recorded for exactly this name are dropped (the caller verified `key`; an entry that
 * disagrees is stale or planted) and one plain line is appended; every other line is kept.
 */
export function withHostKey(text: string | null, name: string, key: string): string | null {
  const [type, blob] = key.split(' ');
  if (!type || !blob) throw new Error(`not a host key: ${JSON.stringify(key)}`);
  const current = text ?? '';
  const entries = parseKnownHosts(current).filter((e) => e.marker === undefined && hostMatches(e.hosts, name));
  if (entries.some((e) => e.key === blob && e.keyType === type)) return null;
  const kept = current.split('\n').flatMap((raw) => {
    const fields = raw.trim().split(/\s+/);
    if (raw.trim().startsWith('#') || fields[0]?.startsWith('@') || fields.length < 3) return [raw];
    const patterns = fields[0]!.split(',');
    // Only this name's own patterns go: wildcards and other names on the line stay.
    const others = patterns.filter((p) => p.toLowerCase() !== name.toLowerCase() && !(p.startsWith('|1|') && hostMatches(p, name)));
    if (others.length === patterns.length) return [raw];
    return others.length ? [[others.join(','), ...fields.slice(1)].join(' ')] : [];
  });
  const base = kept.join('\n');
  return `${base}${base && !base.endsWith('\n') ? '\n' : ''}${name} ${type} ${blob}\n`;
}
