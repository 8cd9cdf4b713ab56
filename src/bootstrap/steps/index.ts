// The registry of bootstrap steps, in the order they are usually read (the runner orders them by
// their dependencies). Add a step: write it in its own file next to this one, import it here.
import type { AnyStep } from '../step.ts';
import { hostsStep } from './hosts.ts';
import { preflightStep } from './preflight.ts';
import { jujuKeyStep } from './juju-key.ts';
import { jujuMachineStep } from './juju-machine.ts';
import { novaComputeStep } from './nova-compute.ts';
import { computeConfigStep } from './compute-config.ts';

export const STEPS: readonly AnyStep[] = [
  preflightStep,
  hostsStep,
  // Joining a compute node (issue 5): key before add-machine, as the guide says.
  jujuKeyStep,
  jujuMachineStep,
  novaComputeStep,
  computeConfigStep,
];

export function findStep(id: string): AnyStep | undefined {
  return STEPS.find((s) => s.id === id);
}
