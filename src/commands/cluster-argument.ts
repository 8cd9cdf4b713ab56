// The <cluster> argument of every per-cluster command, and the stack outputs a managed controller
// needs: one place for how they are found and for their usage errors (exit 2).
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../cli-error.ts';
import { readStackOutputs, type StackOutputs } from '../inventory/stack-outputs.ts';
import { inventoryFiles, loadInventory, loadModel } from '../inventory/load.ts';
import type { ClusterModel } from '../inventory/model.ts';

/**
 * The inventory file a <cluster> argument names: a path to a file, an inventory file's base name,
 * or a cluster `name` in inventory/. Undefined when it names none.
 */
export function findInventory(cluster: string, dir = 'inventory'): string | undefined {
  if (existsSync(cluster) && statSync(cluster).isFile()) return cluster;
  if (/[/\\]|\.ya?ml$/.test(cluster) || !existsSync(dir)) return undefined;
  const files = inventoryFiles(dir);
  return files.find((f) => basename(f).replace(/\.ya?ml$/, '') === cluster) ?? files.find((f) => loadInventory(f).inventory?.name === cluster);
}

/**
 * The model of the cluster a command was given; a usage error naming the known clusters otherwise.
 * `forJuju`: the command has Juju add the hosts (loadModel).
 */
export function clusterModel(cluster: string, dir = 'inventory', options: { forJuju?: boolean } = {}): ClusterModel {
  const file = findInventory(cluster, dir);
  if (file) return loadModel(file, options);
  const known = existsSync(dir) ? inventoryFiles(dir).flatMap((f) => loadInventory(f).inventory?.name ?? []) : [];
  throw new CliError(
    `no cluster "${cluster}" in ${dir}/${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}, and no such file`,
    2,
  );
}

/** The stack outputs of `cdktf deploy --outputs-file FILE`: required for a managed controller. */
export function clusterOutputs(model: ClusterModel, file: string | undefined): StackOutputs | undefined {
  if (!file) {
    if (model.controller.kind !== 'managed') return undefined;
    throw new CliError(
      `cluster ${model.name} has a managed controller: give its stack outputs with --outputs FILE (cdktf deploy --outputs-file FILE)`,
      2,
    );
  }
  return readStackOutputs(file, model.name);
}

/** An option's value as a whole number from 1 to 1000 (commander's argParser). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}
