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
    'Subsystem sftp internal-sftp',
    // Stock limits on purpose, so the engine's bounds on channels and connections are exercised.
    'MaxSessions 10',
    'MaxStartups 10:30:100',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}
