// node-nat against a scripted node: what it changes on a bare node, that it then finds nothing to
// do (text comparison of the chain, boot files and link), and that it rebuilds only what differs.
import { describe, expect, it } from 'vitest';
import { nodeNatStep } from '../../../src/bootstrap/steps/node-nat.ts';
import { STEPS } from '../../../src/bootstrap/steps/index.ts';
import type { StepContext } from '../../../src/bootstrap/step.ts';
import type { FileInfo, HostSession } from '../../../src/remote/host.ts';
import { desiredNodeRuleset } from '../../../src/remote/router/desired-node-ruleset.ts';
import { NODE_SCRIPT_PATH, SYSTEMD_ENABLE_LINK, SYSTEMD_UNIT_PATH, UPSTART_JOB_PATH } from '../../../src/remote/router/node-boot.ts';
import { FakeSession, fail, ok } from '../../remote/fake-session.ts';
import { scriptedContext } from '../scripted-context.ts';
import { iptablesSave, managedCluster } from '../../status/fixtures.ts';

const node = { name: 'compute-1', roles: ['compute'] as const, address: '198.51.100.11', port: 22, user: 'root' };

/** A node whose iptables-save shows `save`, whose links are `links`, and whose files keep their mode. */
class Node extends FakeSession {
  save = '*nat\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n';
  links = new Map<string, string>();
  modes = new Map<string, number>();
  restores: string[] = [];
  constructor() {
    super((argv, options) => this.answer(argv, options.stdin), node);
  }
  private answer(argv: readonly string[], stdin?: string) {
    if (argv[2]?.startsWith('for c in')) return ok(''); // every command present
    if (argv[0] === 'iptables-save') return ok(this.save);
    if (argv[0] === 'iptables-restore') {
      this.restores.push(stdin ?? '');
      this.save = iptablesSave(desiredNodeRuleset(managedCluster()));
      return ok();
    }
    if (argv[0] === 'readlink') {
      const target = this.links.get(argv[2]!);
      return target ? ok(`${target}\n`) : fail('');
    }
    if (argv[0] === 'chmod') {
      this.modes.set(argv[3]!, parseInt(argv[1]!, 8));
      return ok();
    }
    if (argv[2]?.includes('ln -sfn')) {
      this.links.set(argv[5]!, argv[4]!);
      return ok();
    }
    return fail(`unexpected ${argv.join(' ')}`);
  }
  override async stat(path: string): Promise<FileInfo | null> {
    const info = await super.stat(path);
    return info && { ...info, mode: this.modes.get(path) ?? 0o644 };
  }
}

/** The fixtures' cluster (trusty, the inventory's default series), or on another series. */
function clusterOn(series?: string) {
  const cluster = managedCluster();
  return series ? { ...cluster, model: { ...cluster.model, ubuntuSeries: series } } : cluster;
}

function context(host: HostSession, series?: string): StepContext {
  return scriptedContext(clusterOn(series), host);
}

describe('node-nat step', () => {
  it('on a bare node: builds the chain, writes the boot script and unit, enables it; then finds nothing to do', async () => {
    const n = new Node();
    const ctx = context(n, 'noble');
    const first = await nodeNatStep.check(ctx);
    expect(first.needed).toBe(true);
    if (!first.needed) return;
    expect(first.description).toBe(
      `rebuild the node chain: nat chain OPENCLOUD-NODE missing; nat chain OPENCLOUD-NODE-IN missing; nat jump OUTPUT -> OPENCLOUD-NODE present 0 times; nat jump INPUT -> OPENCLOUD-NODE-IN present 0 times; write ${NODE_SCRIPT_PATH}; write ${SYSTEMD_UNIT_PATH}; link ${SYSTEMD_ENABLE_LINK} (11 destinations via the router)`,
    );
    await nodeNatStep.apply(ctx, first.plan);
    expect(n.restores).toHaveLength(1);
    expect(n.restores[0]).toContain('-I OUTPUT 1 -j OPENCLOUD-NODE\n-I INPUT 1 -j OPENCLOUD-NODE-IN\n');
    expect(n.files.get(NODE_SCRIPT_PATH)).toContain('-A OPENCLOUD-NODE -d 192.168.100.10/32 -p tcp -m tcp --dport 17070 -j DNAT --to-destination 198.51.100.2\n');
    expect(n.modes.get(NODE_SCRIPT_PATH)).toBe(0o755);
    expect(n.links.get(SYSTEMD_ENABLE_LINK)).toBe(SYSTEMD_UNIT_PATH);
    expect(await nodeNatStep.check(ctx)).toEqual({ needed: false, description: 'chain up to date, restored at boot (11 destinations via the router)' });
  });

  it('on trusty: the boot job is an Upstart task, nothing to enable', async () => {
    const n = new Node();
    const ctx = context(n);
    const first = await nodeNatStep.check(ctx);
    expect(first).toMatchObject({ needed: true, description: expect.stringContaining(`write ${NODE_SCRIPT_PATH}; write ${UPSTART_JOB_PATH} (`) });
    if (first.needed) await nodeNatStep.apply(ctx, first.plan);
    expect(n.links.size).toBe(0);
    expect(await nodeNatStep.check(ctx)).toMatchObject({ needed: false });
  });

  it('rewrites only what differs: a chain edited by hand, nothing else', async () => {
    const n = new Node();
    const ctx = context(n);
    const first = await nodeNatStep.check(ctx);
    if (first.needed) await nodeNatStep.apply(ctx, first.plan);
    n.save = n.save.replace(/^-A OPENCLOUD-NODE .*--dport 5672 .*\n/m, '');
    const writes = n.commands.filter((c) => c[0] === 'write').length;
    const again = await nodeNatStep.check(ctx);
    expect(again).toMatchObject({ needed: true, description: 'rebuild the node chain: nat chain OPENCLOUD-NODE: 1 rule(s) missing, 0 unexpected (11 destinations via the router)' });
    if (again.needed) await nodeNatStep.apply(ctx, again.plan);
    expect(n.commands.filter((c) => c[0] === 'write')).toHaveLength(writes);
    expect(n.restores).toHaveLength(2);
  });

  it('runs on compute nodes of a managed controller only, and before juju-machine', () => {
    const cluster = managedCluster();
    const selector = nodeNatStep.hosts as (h: typeof node, c: typeof cluster) => boolean;
    expect(selector(node, cluster)).toBe(true);
    expect(selector({ ...node, name: 'router', roles: ['router'] as never }, cluster)).toBe(false);
    expect(selector(node, { ...cluster, model: { ...cluster.model, controller: { kind: 'existing' } as never } })).toBe(false);
    const jujuMachine = STEPS.find((s) => s.id === 'juju-machine')!;
    expect(jujuMachine.dependsOn).toContain('node-nat');
    expect(STEPS.find((s) => s.id === 'node-nat')!.dependsOn).toContain('preflight');
  });
});
