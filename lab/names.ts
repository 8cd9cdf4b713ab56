import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { NetworkName } from './topology.ts';

/**
 * Names of everything one lab run creates. Namespaces and the lab directory carry the creating
 * process's pid (`ocl-<pid>-<id>-...`) so a later run can tell leftovers of a dead process from a
 * lab that is still in use; interface names only have 15 characters, so they carry just the id.
 */
export class RunNames {
  constructor(
    readonly pid: number,
    readonly id: string,
  ) {}

  static fresh(): RunNames {
    return new RunNames(process.pid, randomBytes(2).toString('hex'));
  }

  /** `ocl-<pid>-<id>`: prefix of the run's namespaces, and its directory's name. */
  get tag(): string {
    return `${NETNS_PREFIX}${this.pid}-${this.id}`;
  }

  get dir(): string {
    return path.join(os.tmpdir(), this.tag);
  }

  hostNetns(host: string): string {
    return `${this.tag}-${host}`;
  }

  bridgeNetns(network: NetworkName): string {
    return `${this.tag}-br-${network === 'public' ? 'pub' : 'mgmt'}`;
  }

  /** The bridge device inside its namespace. */
  bridge(network: NetworkName): string {
    return `ocl${this.id}-${network === 'public' ? 'pub' : 'mgmt'}`;
  }

  /** Bridge-side end of host number `index`'s veth. */
  port(network: NetworkName, index: number): string {
    return `ocl${this.id}${network === 'public' ? 'p' : 'm'}${index}`;
  }

  /** The test process's own veth (in the current namespace) onto the public bridge. */
  get operatorLink(): string {
    return operatorLinkName(this.id);
  }
}

export const NETNS_PREFIX = 'ocl-';

/** Parses `ocl-<pid>-<id>...` (a namespace or lab directory name). */
export function parseTag(name: string): RunNames | undefined {
  const m = /^ocl-(\d+)-([0-9a-f]{4})(?:-|$)/.exec(name);
  return m ? new RunNames(Number(m[1]), m[2]!) : undefined;
}

export function operatorLinkName(id: string): string {
  return `ocl${id}-op`;
}

/** The run id of an operator link name, if it is one. */
export function parseOperatorLink(name: string): string | undefined {
  return /^ocl([0-9a-f]{4})-op$/.exec(name)?.[1];
}
