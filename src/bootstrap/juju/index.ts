// The Juju 1.x client: status parsing, idempotent changes, bounded waiting.
export { JujuClient, type RunTarget, type WaitOptions } from './client.ts';
export { charmConfigYaml } from './charm-config.ts';
export { JujuCommandError, JujuUnitError, JujuWaitTimeoutError, isAlreadyExists, jujuMessage } from './errors.ts';
export { jujuClient, jujuHost } from './juju-host.ts';
export { withJujuLock } from './lock.ts';
export {
  allUnits,
  findMachineByAddress,
  hasRelation,
  parseEndpoint,
  parseJujuStatus,
  unitFailed,
  unitOnMachine,
  JujuStatusError,
  type JujuMachine,
  type JujuService,
  type JujuStatus,
  type JujuUnit,
} from './status.ts';
