// Every remote command the compute steps build from inventory values (and from what hosts answer)
// reaches a real shell as exactly the argv the step meant. The real runner, steps and RemoteHost
// run over a connection that hands each command line to local `sh` (dash) and `bash` instead of a
// host (recording-host.ts); the inventory holds the most hostile values the schema accepts, and
// the hosts answer with a home directory full of shell syntax.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCluster } from '../../src/remote/cluster-hosts.ts';
import { runSteps } from '../../src/bootstrap/runner.ts';
import type { ClusterHost } from '../../src/remote/host.ts';
import { STEPS } from '../../src/bootstrap/steps/index.ts';
import { parseInventory } from '../../src/inventory/load.ts';
import { parseWithShell, recordingSessions, removeScratch, type Recorded } from './recording-host.ts';

const COMPUTE_STEPS = ['preflight', 'hosts', 'juju-key', 'juju-machine', 'nova-compute', 'compute-config'];

/** Everything a shell could act on, in a home directory the remote host reports (no newline: paths refuse it). */
export const HOSTILE_HOME = `/home/it's "q" $(echo INJECTED >&2) \`echo INJECTED >&2\` ; echo INJECTED >&2 | & * ? [a] ~ !x \\ $HOME -rf\t{a,b} #c`;

interface Values {
  readonly cluster: string;
  readonly user: string;
  readonly jujuUser: string;
  readonly port: number;
  readonly hostNames: readonly string[];
  readonly nodes: readonly string[];
}

/** The most hostile values the schema accepts, field by field. */
const WORST: Values = {
  cluster: 'x--0-y',
  user: '_x-y-',
  jujuUser: '_-',
  port: 65535,
  hostNames: ['X_.-Y', 'a_b.c-d', '0'],
  nodes: ['n--1', 'z-9'],
};

function inventory(v: Values): string {
  return [
    `name: ${JSON.stringify(v.cluster)}`,
    'region: us-east-1',
    'ubuntuSeries: trusty',
    'ssh:',
    `  user: ${JSON.stringify(v.user)}`,
    `  port: ${v.port}`,
    '  privateKeyFile: "~/.ssh/k+@-x"',
    '  knownHostsFile: "./k~@+h.-_"',
    'minimums: { cpuCores: 1, arch: x86_64, memoryGiB: 0.5, diskTiB: 0.01, nics: 1, nicSpeedMbps: 1000 }',
    'controller:',
    '  kind: existing',
    '  greSecurityGroup: g',
    '  keystoneSecurityGroup: k',
    '  jujuHost: 198.51.100.2',
    `  jujuUser: ${JSON.stringify(v.jujuUser)}`,
    '  hosts:',
    `    - { ip: 198.51.100.2, names: ${JSON.stringify(v.hostNames)} }`,
    'computeNodes:',
    ...v.nodes.flatMap((name, i) => [
      `  - name: ${JSON.stringify(name)}`,
      `    publicIp: 198.51.100.${31 + i}`,
      '    hardware: { cpuCores: 1, arch: x86_64, memoryGiB: 0.5, diskTiB: 0.01, nics: [ { name: eth0, speedMbps: 1000 } ] }',
    ]),
    '',
  ].join('\n');
}

const facts = (host: ClusterHost) =>
  [
    '== cpu', '2', 'x86_64',
    '== memory', 'MemTotal:        2097152 kB',
    '== disks', 'vda 536870912',
    '== nics', 'eth0 10000',
    '== addresses', `2: eth0    inet ${host.address}/24 brd 198.51.100.255 scope global eth0`,
    '== os', 'NAME="Ubuntu"', 'ID=ubuntu', 'VERSION_ID="14.04"', 'PRETTY_NAME="Ubuntu 14.04.6 LTS"', 'VERSION_CODENAME=trusty', 'UBUNTU_CODENAME=trusty',
    '',
  ].join('\n');

async function runAll(v: Values, home: string): Promise<{ recorded: Recorded[]; failed: string[]; statuses: Map<string, string> }> {
  const parsed = parseInventory(inventory(v), 'hostile.yaml');
  if (!parsed.model) throw new Error(`the schema refused ${JSON.stringify(v)}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const cluster = resolveCluster(parsed.model);
  const { sessions, recorded } = recordingSessions(cluster.hosts, { home, facts });
  const result = await runSteps({ cluster, steps: STEPS, sessions, dryRun: false });
  return {
    recorded,
    failed: result.results.filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => `${r.step}@${r.host}: ${r.message}`),
    statuses: new Map(result.results.map((r) => [`${r.step}@${r.host}`, r.status])),
  };
}

/** Each command line, parsed by both shells, is the intended argv; nothing was expanded or run. */
function expectArgvIntact(recorded: readonly Recorded[]): void {
  for (const r of recorded) {
    expect(r.parsed.sh, `sh: ${r.line}`).toEqual(r.intended);
    expect(r.parsed.bash, `bash: ${r.line}`).toEqual(r.intended);
    expect(r.stderr, r.line).toBe('');
  }
}

describe('remote commands built from hostile inventory values', () => {
  afterAll(() => {
    // Nothing the shells parsed created a file in their working directory.
    expect(removeScratch()).toEqual([]);
  });

  it('the dump shell function sees what an unquoted line would do (the check can fail)', () => {
    expect(parseWithShell('sh', "a 'b c' d").argv).toEqual(['a', 'b c', 'd']);
    expect(parseWithShell('sh', 'a b c').argv).toEqual(['a', 'b', 'c']);
    expect(parseWithShell('sh', 'a $(echo x y)').argv).toEqual(['a', 'x', 'y']);
    expect(parseWithShell('bash', 'a; echo INJECTED >&2').stderr).toContain('INJECTED');
  });

  it('every command of every compute step, with the worst accepted values and a hostile $HOME, reaches sh and bash unchanged', async () => {
    const { recorded, failed, statuses } = await runAll(WORST, HOSTILE_HOME);
    // The fake hosts answered well enough for every step to apply on every node.
    expect(failed).toEqual([]);
    for (const node of WORST.nodes) {
      for (const step of COMPUTE_STEPS.slice(1)) expect(statuses.get(`${step}@${node}`), `${step}@${node}`).toBe('changed');
    }
    expect(recorded.length).toBeGreaterThan(60);
    expectArgvIntact(recorded);

    const has = (pred: (r: Recorded) => boolean, what: string) => expect(recorded.some(pred), what).toBe(true);
    const words = (r: Recorded) => r.intended;
    // The inventory values reach the commands they are meant for, as single words.
    has((r) => r.host === 'juju' && words(r).join(' ') === `juju add-machine ssh:${WORST.user}@198.51.100.31`, 'juju add-machine ssh:USER@IP');
    // The log-in probe gives no port, as Juju's add-machine gives none (juju-machine.ts).
    has((r) => r.host === 'juju' && words(r)[0] === 'ssh' && words(r).includes(`${WORST.user}@198.51.100.32`) && !words(r).includes('-p'), 'the log-in probe');
    // Non-root users run root's commands through sudo -n; the Juju user runs juju as itself.
    has((r) => r.host === 'n--1' && words(r).slice(0, 3).join(' ') === 'sudo -n --', 'sudo -n -- on the nodes');
    expect(recorded.filter((r) => r.host === 'juju' && words(r)[0] === 'sudo')).toEqual([]);
    // The hostile home directory reaches paths as one argument each (juju-key's authorized_keys,
    // the charm configuration directory on the Juju host).
    has((r) => r.host === 'n--1' && words(r).includes(`${HOSTILE_HOME}/.ssh/authorized_keys`), 'authorized_keys under the hostile home');
    has((r) => r.host === 'juju' && words(r).includes(`${HOSTILE_HOME}/.opencloud/charm-config`), 'charm-config under the hostile home');
    // Scripts are constants of the steps: no inventory value and no host answer is ever pasted into one.
    const values = [WORST.user, WORST.jujuUser, ...WORST.hostNames.filter((n) => n.length > 1), ...WORST.nodes, '198.51.100.', HOSTILE_HOME];
    for (const r of recorded) {
      const i = words(r).indexOf('-c');
      if (words(r)[i - 1] !== 'sh' || i < 0) continue;
      for (const v of values) expect(words(r)[i + 1], `script of ${r.line}`).not.toContain(v);
    }
  });

  it('any accepted user, Juju user, host names and node names, and any home directory, reach the shells unchanged (property)', async () => {
    const user = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/);
    const hostName = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,20}[A-Za-z0-9])?$/);
    const node = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
    const home = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => `/${s.replace(/[\n\0]/g, '')}`);
    await fc.assert(
      fc.asyncProperty(user, user, fc.uniqueArray(hostName, { minLength: 1, maxLength: 3 }), fc.uniqueArray(node, { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 65535 }), home,
        async (u, j, names, nodes, port, h) => {
          fc.pre(!nodes.includes('juju'));
          const { recorded, failed } = await runAll({ cluster: 'c', user: u, jujuUser: j, port, hostNames: names, nodes }, h);
          expect(failed).toEqual([]);
          expectArgvIntact(recorded);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});
