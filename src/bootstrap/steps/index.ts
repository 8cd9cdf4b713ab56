// The registry of bootstrap steps, in the order they are usually read (the runner orders them by
// their dependencies). Add a step: write it in its own file next to this one, import it here.
import type { AnyStep } from '../step.ts';
import { hostsStep } from './hosts.ts';
import { preflightStep } from './preflight.ts';
import { jujuKeyStep } from './juju-key.ts';
import { jujuMachineStep } from './juju-machine.ts';
import { novaComputeStep } from './nova-compute.ts';
import { computeConfigStep } from './compute-config.ts';
import { jujuPreinstallStep } from './juju-preinstall.ts';
import { routerStep } from './router.ts';
import { nodeNatStep } from './node-nat.ts';
import { controllerServicesStep } from './controller-services.ts';

/**
 * The step, also waiting for steps of the managed controller. They select no host for an existing
 * controller, so there the dependency is void.
 */
const after = (step: AnyStep, ...ids: string[]): AnyStep => ({ ...step, dependsOn: [...(step.dependsOn ?? []), ...ids] });

export const STEPS: readonly AnyStep[] = [
  // The managed controller (issue 6): Juju, the router, the OpenStack services.
  jujuPreinstallStep,
  routerStep,
  controllerServicesStep,
  preflightStep,
  // A node that preflight refuses is not touched at all, not even its /etc/hosts.
  after(hostsStep, 'preflight'),
  // Managed controller: the node reaches the management addresses through the router (issue 14),
  // before add-machine, whose agent dials the Juju API at once.
  after(nodeNatStep, 'preflight'),
  // Joining a compute node (issue 5): key before add-machine, as the guide says. On a managed
  // controller Juju's key exists only after juju-preinstall, and nova-compute relates to the
  // controller's services, which controller-services deploys.
  after(jujuKeyStep, 'juju-preinstall'),
  after(jujuMachineStep, 'node-nat'),
  after(novaComputeStep, 'controller-services'),
  computeConfigStep,
];
