import { HOST_KEY } from './layout.ts';

/** sshd configuration of a lab host: root by the operator key only, like a hardened stock server. */
export function sshdConfig(ips: readonly string[]): string {
  return [
    ...ips.map((ip) => `ListenAddress ${ip}:22`),
    `HostKey ${HOST_KEY}`,
    'PidFile /run/sshd.pid',
    'PermitRootLogin prohibit-password',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    // The key exchange of the Ubuntu 14.04-16.04 hosts the guide targets (no sntrup761, which
    // OpenSSH 9.2 prefers and which costs 0.15 s of CPU per login on the 2 cores every lab host
    // shares: the Juju host logs in to each node twice as it adds it).
    'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256',
    'Subsystem sftp internal-sftp',
    // Stock limits on purpose, so the engine's bounds on channels and connections are exercised.
    'MaxSessions 10',
    'MaxStartups 10:30:100',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}
