// The registry of bootstrap steps, in the order they are usually read (the runner orders them by
// their dependencies). Add a step: write it in its own file next to this one, import it here.
import type { AnyStep } from '../step.ts';
import { hostsStep } from './hosts.ts';

export const STEPS: readonly AnyStep[] = [hostsStep];

export function findStep(id: string): AnyStep | undefined {
  return STEPS.find((s) => s.id === id);
}
