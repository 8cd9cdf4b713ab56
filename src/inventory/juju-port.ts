// What Juju 1.25 can reach: `juju add-machine ssh:USER@HOST` names no port, and Juju's ssh passes
// `-p` only when asked, which the manual provider never does (environs/manual/init.go and
// provisioner.go at juju-1.25.9; juju/utils ssh/ssh_openssh.go opensshOptions). So every host Juju
// adds (the compute nodes, a managed controller's service VMs) must answer SSH on port 22.
// Checked by validate, synthesis and bootstrap; `opencloud status` only reads, so it takes any port.
import type { Inventory } from './schema.ts';
import type { Problem } from './rules.ts';

/** The port Juju 1.25 logs in on when it adds a machine. */
export const JUJU_SSH_PORT = 22;

export function checkJujuPort(inv: Inventory): Problem[] {
  const addsMachines = inv.computeNodes.length > 0 || inv.controller.kind === 'managed';
  if (!addsMachines || inv.ssh.port === JUJU_SSH_PORT) return [];
  return [
    {
      path: ['ssh', 'port'],
      message:
        'Juju adds the compute nodes and service VMs with `juju add-machine ssh:USER@HOST`, which always logs in on port 22 ' +
        `(Juju 1.25 has no way to give another): use port ${JUJU_SSH_PORT}`,
    },
  ];
}
