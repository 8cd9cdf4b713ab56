// Benchmark: deploying a stack for real against moto's EC2 emulator (lab/deploy/): apply and destroy
// of the example and of a 25-node cluster with terraform and the mirrored provider. Deploys take
// minutes, so one run each, whatever --runs says.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadModel } from '../src/inventory/load.ts';
import { deployToolsMissing, startEmulator, StackDeployment, writeCliConfig } from '../lab/deploy/harness.ts';
import { clusterWithNodes } from './inventories.ts';
import type { BenchContext, BenchSection, SectionResult } from './section.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(f: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await f();
  return performance.now() - start;
}

export const deploySection: BenchSection = {
  id: 'deploy',
  title: 'Deploy against the EC2 emulator',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const missing = deployToolsMissing();
    if (missing) return { markdown: `Not measured: ${missing}.`, ok: false };
    const root = mkdtempSync(join(tmpdir(), 'opencloud-bench-deploy-'));
    const emulator = await startEmulator();
    try {
      const cliConfig = writeCliConfig(root);
      const cases = [
        { label: 'example (3 nodes)', file: 'inventory/example.yaml' },
        { label: '25 compute nodes', file: clusterWithNodes(root, 25) },
      ];
      const rows: string[] = ['| stack | resources | init | apply | re-plan | destroy |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
      for (const c of cases) {
        const model = loadModel(c.file);
        const d = new StackDeployment(root, model.name, emulator, cliConfig);
        d.synth(model);
        ctx.log(`deploy: ${c.label}`);
        const init = await timed(() => d.init());
        let resources = 0;
        const apply = await timed(async () => {
          const out = (await d.apply()).output;
          resources = Number(/Apply complete! Resources: (\d+) added/.exec(out)?.[1] ?? 0);
        });
        const plan = await timed(() => d.plan());
        const destroy = await timed(() => d.destroy());
        rows.push(`| ${c.label} | ${resources} | ${seconds(init)} | ${seconds(apply)} | ${seconds(plan)} | ${seconds(destroy)} |`);
      }
      return {
        markdown: [
          'One run per stack: terraform with hashicorp/aws 5.100.0 from the filesystem mirror, moto 5.2.1 on loopback',
          '(lab/deploy/moto_server.py). The emulator answers at once, so this is the provider\'s and Terraform\'s own',
          'work (and their waits), not AWS\'s.',
          '',
          ...rows,
        ].join('\n'),
        ok: true,
      };
    } finally {
      await emulator.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
