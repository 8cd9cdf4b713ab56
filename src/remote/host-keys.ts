// Host key policy: every host's key is verified, against the compute node's pinned fingerprint or
// the known_hosts file. An unknown key stops the host with its fingerprint and how to pin it, unless
// the operator asked to record new keys (reported, never silent). A changed key is always refused,
// and a host with any known key that presents another one (of any type) has a changed key: a key
// type we have not seen is no proof of a new host, and recording it would be a downgrade. Hosts
// behind a router are known by `<cluster>.<vm>` (HostKeyAlias), not by a management address that
// every cluster on the default network shares.
import { fingerprint, keyTypeOf, knownHostsName, type KnownHosts } from './known-hosts.ts';
import type { ClusterHost } from './host.ts';

export class HostKeyError extends Error {
  constructor(
    readonly host: string,
    readonly kind: 'unknown' | 'changed' | 'revoked',
    message: string,
    readonly fingerprint: string,
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

export interface HostKeyPolicyOptions {
  readonly knownHosts: KnownHosts;
  /** Record keys of hosts not yet in knownHostsFile (trust on first use). */
  readonly acceptNew: boolean;
  /** Told about every key recorded. */
  readonly onRecorded?: (host: ClusterHost, fingerprint: string, line: string) => void;
}

export type HostKeyDecision =
  /** `key` is the accepted key as a known_hosts line has it: `TYPE BASE64`. */
  | { readonly ok: true; readonly fingerprint: string; readonly key: string }
  | { readonly ok: false; readonly error: HostKeyError };

export class HostKeyPolicy {
  constructor(private readonly opts: HostKeyPolicyOptions) {}

  get knownHostsFile(): string {
    return this.opts.knownHosts.file;
  }

  /** Key types already known for a host: SSH negotiates those first, as OpenSSH does. */
  preferredKeyTypes(host: ClusterHost): string[] {
    return host.hostKey ? [] : this.opts.knownHosts.keyTypesFor(knownHostsNameOf(host));
  }

  /**
   * Decides on the key a host presented. `seen` is the key this run saw before (after a reboot the
   * host must present the very same key).
   */
  decide(host: ClusterHost, keyBlob: Buffer, seen?: string): HostKeyDecision {
    const fp = fingerprint(keyBlob);
    const type = keyTypeOf(keyBlob);
    const name = knownHostsNameOf(host);
    const key = `${type} ${keyBlob.toString('base64')}`;
    const where = `${host.name} (${host.hostKeyAlias ? `${knownHostsName(host.address, host.port)}, known as ${name}` : name}${host.via ? ` via ${host.via}` : ''})`;
    if (seen && seen !== fp) {
      return refuse(host, 'changed', `host key of ${where} changed during this run: it was ${seen}, now ${type} ${fp}; refusing to connect`, fp);
    }
    if (host.hostKey) {
      if (host.hostKey === fp) return { ok: true, fingerprint: fp, key };
      return refuse(
        host,
        'changed',
        `host key of ${where} does not match the pinned hostKey: expected ${host.hostKey}, got ${type} ${fp}. ` +
          'Refusing to connect: someone may be intercepting the connection, or the host was reinstalled ' +
          '(then verify the new key out of band and update computeNodes[].hostKey).',
        fp,
      );
    }
    const verdict = this.opts.knownHosts.verify(name, keyBlob);
    switch (verdict.kind) {
      case 'match':
        return { ok: true, fingerprint: fp, key };
      case 'revoked':
        return refuse(host, 'revoked', `host key of ${where} (${type} ${fp}) is marked @revoked in ${this.knownHostsFile}:${verdict.line}; refusing to connect`, fp);
      case 'changed':
        return refuse(
          host,
          'changed',
          `HOST KEY CHANGED for ${where}: ${this.knownHostsFile} line ${verdict.lines.join(', ')} expects ${verdict.expected.join(' or ')}, ` +
            `the host presented ${type} ${fp}${verdict.expected.some((e) => e.startsWith(`${type} `)) ? '' : ' (a key of another type than the known ones is a changed key too)'}. ` +
            'Refusing to connect: someone may be intercepting the connection, or the host was ' +
            `reinstalled (then verify the new key out of band and remove the old entry: ssh-keygen -R '${name}' -f ${this.knownHostsFile}).`,
          fp,
        );
      case 'unknown': {
        if (this.opts.acceptNew) {
          const line = this.opts.knownHosts.add(name, keyBlob);
          this.opts.onRecorded?.(host, fp, line);
          return { ok: true, fingerprint: fp, key };
        }
        const pin = host.computeNode
          ? `pin it in the inventory (computeNodes: - name: ${host.name} hostKey: "${fp}"), or `
          : '';
        return refuse(
          host,
          'unknown',
          `host key of ${where} is not known: ${type} ${fp}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-|-.*$/g, '')}_key.pub\` ` +
            `on the host, then ${pin}add it to ${this.knownHostsFile}${host.hostKeyAlias ? ` under the name ${name}` : ''}, or re-run with --accept-new-host-keys to record it there.` +
            (host.hostKeyAlias
              ? ` Hosts behind the router are known by a per-cluster alias (ssh -o HostKeyAlias=${name}), never by their management address, which other clusters share.`
              : ''),
          fp,
        );
      }
    }
  }
}

/**
 * The name a host's key is recorded under: its alias for hosts behind the router (used as is, as
 * OpenSSH uses HostKeyAlias, port and all), otherwise `host` or `[host]:port`.
 */
export function knownHostsNameOf(host: ClusterHost): string {
  return host.hostKeyAlias ?? knownHostsName(host.address, host.port);
}

function refuse(host: ClusterHost, kind: HostKeyError['kind'], message: string, fp: string): HostKeyDecision {
  return { ok: false, error: new HostKeyError(host.name, kind, message, fp) };
}
