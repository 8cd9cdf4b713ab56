// Deploying stacks for real, against moto's EC2 emulator on loopback: the tools it needs, the
// emulator's lifetime, and one Terraform working directory per stack. The synthesized cdk.tf.json
// is never edited: the provider is pointed at the emulator by a `provider_override.tf.json` beside
// it, and the provider comes from the filesystem mirror through a CLI config file (never the network).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterModel } from '../../src/inventory/model.ts';
import { synthesize } from '../../stacks/app.ts';

const run = promisify(execFile);
const HERE = new URL('.', import.meta.url).pathname;

/** The filesystem mirror holding hashicorp/aws (Terraform's standard mirror layout). */
export const PROVIDER_MIRROR = process.env.OPENCLOUD_TF_MIRROR ?? '/opt/tf-plugins';
/** The provider version the mirror must hold. */
export const MIRRORED_AWS_VERSION = '5.100.0';

/** What is missing to deploy here, as one line saying how to get it; undefined when nothing is. */
export function deployToolsMissing(): string | undefined {
  const tf = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (tf.error || tf.status !== 0) return 'terraform is not on PATH (install terraform >= 1.10 from https://developer.hashicorp.com/terraform/install)';
  const provider = join(PROVIDER_MIRROR, 'registry.terraform.io/hashicorp/aws', MIRRORED_AWS_VERSION);
  if (!existsSync(provider)) {
    return `no hashicorp/aws ${MIRRORED_AWS_VERSION} in the provider mirror ${provider} (fill it with \`terraform providers mirror ${PROVIDER_MIRROR}\` in a stack directory, or set OPENCLOUD_TF_MIRROR)`;
  }
  const moto = spawnSync('python3', ['-c', 'import moto.server, boto3; print(moto.__version__)'], { encoding: 'utf8' });
  if (moto.error || moto.status !== 0) return 'python3 with moto\'s server is missing (pip install "moto[server]==5.2.1")';
  return undefined;
}

/**
 * Deploy tests skip when a tool is missing, saying which and how to get it, in one line; under
 * CI=true they run anyway, and so fail.
 */
export function skipDeployTests(
  options: { missing?: () => string | undefined; env?: NodeJS.ProcessEnv; write?: (line: string) => void } = {},
): boolean {
  const missing = (options.missing ?? deployToolsMissing)();
  if (!missing) return false;
  if ((options.env ?? process.env).CI === 'true') return false;
  (options.write ?? ((l: string) => process.stderr.write(l)))(`deploy tests skipped: ${missing}\n`);
  return true;
}

/** moto's server on 127.0.0.1, started by lab/deploy/moto_server.py (which patches its gaps). */
export interface Emulator {
  readonly endpoint: string;
  /** Runs a command of lab/deploy/ec2.py against the emulator and returns its JSON. */
  ec2<T = unknown>(command: string, ...args: string[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startEmulator(): Promise<Emulator> {
  const child: ChildProcess = spawn('python3', [join(HERE, 'moto_server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /^port (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`moto server exited (${code}) before listening: ${stderr.trim()}`)));
    child.on('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async ec2<T>(command: string, ...args: string[]): Promise<T> {
      const { stdout } = await run('python3', [join(HERE, 'ec2.py'), command, ...args], { env: { ...process.env, AWS_ENDPOINT_URL: endpoint } });
      return JSON.parse(stdout) as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        // Closing its stdin stops the server; the kill is for a server that does not listen.
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The Terraform CLI config: providers from the mirror only. */
export function writeCliConfig(dir: string): string {
  const file = join(dir, 'terraform.tfrc');
  writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(PROVIDER_MIRROR)}\n  }\n}\n`);
  return file;
}

/** The environment every terraform (and cdktf) command of the tests runs with. */
export function terraformEnv(cliConfig: string): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', NO_COLOR: '1' };
}

/**
 * The override beside cdk.tf.json: the provider talks to the emulator with test credentials and
 * without the account and metadata lookups; state goes to `statePath` (a local backend).
 */
export function providerOverride(endpoint: string, region: string, statePath?: string): object {
  return {
    ...(statePath ? { terraform: { backend: { local: { path: statePath } } } } : {}),
    provider: {
      aws: [
        {
          region,
          access_key: 'testing',
          secret_key: 'testing',
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          endpoints: [{ ec2: endpoint, sts: endpoint, iam: endpoint, s3: endpoint }],
        },
      ],
    },
  };
}

export interface ResourceChange {
  readonly address: string;
  readonly actions: readonly string[];
}

/** One stack's Terraform working directory under `root`, deploying to the emulator. */
export class StackDeployment {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly root: string,
    readonly name: string,
    private readonly emulator: Emulator,
    cliConfig: string,
  ) {
    this.dir = join(root, 'cdktf.out', 'stacks', name);
    this.env = terraformEnv(cliConfig);
  }

  /** Synthesizes the model into this directory (the same synthesis as `cdktf synth`) with the override beside it. */
  synth(model: ClusterModel): void {
    if (model.name !== this.name) throw new Error(`model ${model.name} is not stack ${this.name}`);
    synthesize([model], { outdir: join(this.root, 'cdktf.out') });
    mkdirSync(this.dir, { recursive: true });
    const override = providerOverride(this.emulator.endpoint, model.region, join(this.root, `${this.name}.tfstate`));
    writeFileSync(join(this.dir, 'provider_override.tf.json'), JSON.stringify(override, null, 2));
  }

  /** Runs terraform here; resolves with its exit code and output (a failure is the caller's to judge). */
  terraform(...args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('terraform', args, { cwd: this.dir, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += String(d)));
      child.stderr.on('data', (d) => (output += String(d)));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
  }

  /** Runs terraform and throws with its output unless it exits with one of `ok` (default 0). */
  async ok(args: string[], ok: readonly number[] = [0]): Promise<{ code: number; output: string }> {
    const r = await this.terraform(...args);
    if (!ok.includes(r.code)) throw new Error(`terraform ${args.join(' ')} exited ${r.code} in ${this.dir}:\n${r.output.slice(-6000)}`);
    return r;
  }

  init = () => this.ok(['init', '-input=false', '-no-color']);
  validate = () => this.ok(['validate', '-no-color']);
  apply = () => this.ok(['apply', '-auto-approve', '-input=false', '-no-color']);
  destroy = () => this.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);

  /** `plan -detailed-exitcode`: the changes it would make (none when the exit code is 0). */
  async plan(): Promise<{ code: number; changes: ResourceChange[]; output: string }> {
    const { code, output } = await this.ok(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=tfplan'], [0, 2]);
    const { stdout } = await run('terraform', ['show', '-json', 'tfplan'], { cwd: this.dir, env: this.env, maxBuffer: 256 * 1024 * 1024 });
    const plan = JSON.parse(stdout) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
    const changes = (plan.resource_changes ?? [])
      .filter((r) => !(r.change.actions.length === 1 && (r.change.actions[0] === 'no-op' || r.change.actions[0] === 'read')))
      .map((r) => ({ address: r.address, actions: r.change.actions }));
    return { code, changes, output };
  }
}

/**
 * Runs this checkout's cdktf CLI (what `npx cdktf` runs) in `project` on the example inventory,
 * with the mirror-only CLI config; throws with its output unless it exits 0.
 */
export function cdktf(project: string, cliConfig: string, args: readonly string[], inventory = 'inventory/example.yaml'): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(resolve('node_modules/.bin/cdktf'), args, {
      cwd: project,
      env: { ...terraformEnv(cliConfig), OPENCLOUD_INVENTORY: resolve(inventory), CI: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(output) : reject(new Error(`cdktf ${args.join(' ')} exited ${code}:\n${output.slice(-6000)}`))));
  });
}
