// Every kind of stack deploys: synthesized, initialised from the provider mirror only, validated,
// applied to moto's EC2 emulator, re-planned with no changes, grown by one compute node (the plan
// touches only that node's resources) and destroyed, leaving nothing tagged with the cluster.
// Skips, in one line naming what is missing, when terraform, the mirror or moto is; runs under CI.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/inventory/load.ts';
import { readStackOutputs } from '../../src/inventory/stack-outputs.ts';
import { cdktf, providerOverride, skipDeployTests, startEmulator, StackDeployment, writeCliConfig, type Emulator } from '../../lab/deploy/harness.ts';
import { existingInventory, managedInventory, physicalNodes, withNode, type GeneratedNode } from './inventories.ts';

const STEP = 600_000;

let emulator: Emulator;
let root: string;
let cliConfig: string;

interface DeployCase {
  /** Writes the inventory (after preparing the emulator, e.g. its groups) and returns its file. */
  readonly inventory: () => Promise<string>;
  /** The node added for the growth check. */
  readonly extraNode: () => Promise<GeneratedNode>;
  /** Why the case cannot deploy yet, if it cannot. */
  readonly pending?: string;
  /** Before the first apply, with the stack synthesized. */
  readonly beforeApply?: (d: StackDeployment) => Promise<void>;
  /** Checks after apply, against the emulator. */
  readonly afterApply?: (d: StackDeployment) => Promise<void>;
  /** Checks after destroy, besides "nothing tagged with the cluster". */
  readonly afterDestroy?: () => Promise<void>;
}

const groupsOf = { gre: '', keystone: '', handMade: '' };

const CASES: Record<string, DeployCase> = {
  example: {
    inventory: async () => 'inventory/example.yaml',
    extraNode: async () => ({ name: 'compute-4', publicIp: '198.51.100.14' }),
  },
  'install-cloud': {
    // The guide's controller: Juju made both groups; the test makes them in the emulator's default VPC.
    inventory: async () => {
      await emulator.ec2('create-groups', '172.31.0.0/16', 'juju-amazon-6', 'juju-amazon-3');
      return 'inventory/install-cloud.yaml';
    },
    extraNode: async () => ({ name: 'node-2', publicIp: '198.51.100.32' }),
  },
  'existing-two-groups': {
    inventory: async () => {
      const made = await emulator.ec2<{ vpc: string; groups: Record<string, string> }>('create-groups', '10.20.0.0/16', 'juju-lab-6', 'juju-lab-3');
      groupsOf.gre = made.groups['juju-lab-6']!;
      groupsOf.keystone = made.groups['juju-lab-3']!;
      // The guide has the operator open GRE from a node by hand; the stack takes that rule over.
      groupsOf.handMade = await emulator.ec2<string>('authorize', groupsOf.gre, '47', '198.51.100.1/32');
      return existingInventory(root, 'existing-two-groups', { gre: 'juju-lab-6', keystone: 'juju-lab-3', vpcId: made.vpc }, physicalNodes(2));
    },
    extraNode: async () => ({ name: 'compute-3', publicIp: '198.51.100.3' }),
    // README: an import block beside cdk.tf.json adopts the hand-made rule instead of a duplicate.
    beforeApply: async (d) => {
      const tf = JSON.parse(readFileSync(join(d.dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, { ip_protocol: string; cidr_ipv4: string }>> };
      const [address] = Object.entries(tf.resource.aws_vpc_security_group_ingress_rule!).filter(([, r]) => r.ip_protocol === '47' && r.cidr_ipv4 === '198.51.100.1/32');
      writeFileSync(join(d.dir, 'imports.tf.json'), JSON.stringify({ import: [{ to: `aws_vpc_security_group_ingress_rule.${address![0]}`, id: groupsOf.handMade }] }));
    },
    afterApply: async () => {
      const rules = await emulator.ec2<string[]>('group-rules', groupsOf.gre, groupsOf.keystone);
      expect(rules).toEqual(
        [`${groupsOf.gre} 47 -1--1 198.51.100.1/32`, `${groupsOf.gre} 47 -1--1 198.51.100.2/32`, `${groupsOf.keystone} tcp 35357-35357 198.51.100.1/32`, `${groupsOf.keystone} tcp 35357-35357 198.51.100.2/32`].sort(),
      );
    },
    // The groups are Juju's: they stay, without the stack's rules.
    afterDestroy: async () => {
      expect(await emulator.ec2<string[]>('group-rules', groupsOf.gre, groupsOf.keystone)).toEqual([]);
    },
  },
  'ec2-nodes': {
    // The operator allocates the nodes' Elastic IPs; the stack finds them by address.
    inventory: async () => {
      const [a, b] = await emulator.ec2<string[]>('allocate-addresses', '2');
      return managedInventory(root, 'ec2-nodes', ['203.0.113.0/24'], [
        { name: 'compute-1', publicIp: a!, instanceType: 'm5.4xlarge' },
        { name: 'compute-2', publicIp: b!, instanceType: 'm5.4xlarge' },
      ]);
    },
    extraNode: async () => {
      const [c] = await emulator.ec2<string[]>('allocate-addresses', '1');
      return { name: 'compute-3', publicIp: c!, instanceType: 'm5.4xlarge' };
    },
  },
  'cluster-25': {
    inventory: async () => managedInventory(root, 'cluster-25', ['203.0.113.0/24', '192.0.2.0/24'], physicalNodes(25)),
    extraNode: async () => physicalNodes(1, 26)[0]!,
  },
};

describe.skipIf(skipDeployTests())('deploy against the EC2 emulator', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'opencloud-deploy-'));
    cliConfig = writeCliConfig(root);
    emulator = await startEmulator();
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  // The stacks side by side: each waits mostly on the provider's polling, not on the CPU, and they
  // share nothing (their own VPCs, groups, addresses and state). Each stack's steps stay in order.
  describe.concurrent('every kind of stack', () => {
    for (const [name, c] of Object.entries(CASES)) {
      describe.skipIf(c.pending !== undefined)(`stack ${name}${c.pending ? ` (pending: ${c.pending})` : ''}`, () => {
        let d: StackDeployment;
        let file: string;
        let destroyed = true;
        beforeAll(() => {
          d = new StackDeployment(root, name, emulator, cliConfig);
        });
        // Cleanup even on failure: whatever was applied is destroyed.
        afterAll(async () => {
          if (!destroyed) await d.terraform('destroy', '-auto-approve', '-input=false', '-no-color');
        }, STEP);

        it.sequential('synthesizes, inits from the mirror only and validates', async () => {
          file = await c.inventory();
          d.synth(loadModel(file));
          const init = await d.init();
          expect(init.output).toMatch(/Installed hashicorp\/aws v5\.100\.0/);
          await d.validate();
        }, STEP);

        it.sequential('applies', async () => {
          await c.beforeApply?.(d);
          destroyed = false;
          const apply = await d.apply();
          expect(apply.output).not.toMatch(/InvalidPermission\.Duplicate/);
          await c.afterApply?.(d);
        }, STEP);

        it.sequential('re-plans with no changes', async () => {
          const plan = await d.plan();
          expect(plan.changes).toEqual([]);
          expect(plan.code).toBe(0);
        }, STEP);

        it.sequential('grows by one compute node touching only that node\'s resources', async () => {
          const node = await c.extraNode();
          d.synth(loadModel(withNode(root, file, node)));
          const plan = await d.plan();
          expect(plan.changes.length).toBeGreaterThan(0);
          // Construct ids carry the node's name: compute-access-compute-4_gre, controller-access_node-2-gre.
          const ofNode = new RegExp(`(^|[^a-z0-9])${node.name}([^a-z0-9]|$)`);
          const others = plan.changes.filter((ch) => !ofNode.test(ch.address));
          expect(others).toEqual([]);
          for (const ch of plan.changes) expect(ch.actions).toEqual(['create']);
        }, STEP);

        it.sequential('destroys, leaving nothing tagged with the cluster', async () => {
          await d.destroy();
          destroyed = true;
          expect(await emulator.ec2<string[]>('leftovers', name)).toEqual([]);
          await c.afterDestroy?.();
        }, STEP);
      });
    }

    /** Plans a one-node managed cluster with its `ubuntuSeries` line replaced by `seriesLine`: the plan must fail; its output, on one line. */
    const planRefusal = async (name: string, seriesLine: string): Promise<string> => {
      const file = managedInventory(root, name, ['203.0.113.0/24'], physicalNodes(1));
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^ubuntuSeries: .*$/m, seriesLine));
      const d = new StackDeployment(root, name, emulator, cliConfig);
      d.synth(loadModel(file));
      await d.init();
      const plan = await d.terraform('plan', '-input=false', '-no-color');
      expect(plan.code).toBe(1);
      return plan.output.replace(/\s+/g, ' ');
    };

    // An image without ENA for Nitro types stops at plan too (the emulator's SUSE image has none).
    it('stops at plan, naming the instance type and amiId, when the pinned image lacks ENA', async () => {
      expect(await planRefusal('no-ena', '$&\namiId: ami-35e92e4c')).toContain(
        't3.medium requires ENA (a Nitro type), and the Ubuntu image has no ENA support: set amiId in the inventory to an image with ENA support',
      );
    }, STEP);

    // The plan-time refusal for real: moto's catalogue has Canonical's trusty and xenial images only.
    it('stops at plan, naming the series and amiId, when no image of the series exists', async () => {
      expect(await planRefusal('no-image', 'ubuntuSeries: bionic')).toContain(
        'There is no Ubuntu 18.04 (bionic) amd64 server image of owner 099720109477 in us-east-1: set amiId in the inventory to an image of the series.',
      );
    }, STEP);
  });

  // The README's own commands, in a project directory of their own (its cdktf.json runs this
  // checkout's app on one inventory); only the override beside cdk.tf.json is the test's.
  describe('the README\'s `cdktf deploy example --outputs-file` and `cdktf destroy`', () => {
    let project: string;
    let deployed = false;
    beforeAll(() => {
      project = join(root, 'cdktf-project');
      const stackDir = join(project, 'cdktf.out', 'stacks', 'example');
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(
        join(project, 'cdktf.json'),
        JSON.stringify({ language: 'typescript', app: `${resolve('node_modules/.bin/tsx')} ${resolve('stacks/main.ts')}`, output: 'cdktf.out', sendCrashReports: 'false' }),
      );
      // cdktf synth leaves other files of the stack directory alone, so the override survives it.
      writeFileSync(join(stackDir, 'provider_override.tf.json'), JSON.stringify(providerOverride(emulator.endpoint, 'us-east-1')));
    });
    afterAll(async () => {
      if (deployed) await cdktf(project, cliConfig, ['destroy', 'example', '--auto-approve', '--skip-provider-lock']);
    }, STEP);

    it('deploys and writes the outputs the bootstrap reads', async () => {
      deployed = true;
      // --skip-provider-lock: after init, cdktf asks the registry for the lock file's checksums of
      // every platform, which a mirror-only machine cannot (README, Deploy).
      await cdktf(project, cliConfig, ['deploy', 'example', '--auto-approve', '--skip-provider-lock', '--outputs-file', 'outputs.json']);
      const outputs = readStackOutputs(join(project, 'outputs.json'), 'example');
      expect(outputs.juju_host).toBe(outputs.router_public_ip);
      expect(outputs.router_management_ip).toBe('192.168.100.10');
      expect(Object.keys(outputs.service_vm_ips)).toHaveLength(10);
      expect(outputs.hosts_block).toHaveLength(10);
      for (const entry of outputs.hosts_block) expect(entry.ip).toBe(outputs.router_public_ip);
    }, STEP);

    it('destroys, leaving nothing tagged with the cluster', async () => {
      await cdktf(project, cliConfig, ['destroy', 'example', '--auto-approve', '--skip-provider-lock']);
      deployed = false;
      expect(await emulator.ec2<string[]>('leftovers', 'example')).toEqual([]);
    }, STEP);
  });
});
