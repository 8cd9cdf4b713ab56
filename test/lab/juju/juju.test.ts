// Tests for the Juju 1.25 stand-in (lab/juju/juju): it is run as a subprocess with a
// temporary JUJU_HOME, against a real OpenSSH sshd started here on loopback addresses.
// Only 127.0.0.0/8 is ever contacted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { COMPUTE_RELATIONS, CONTROLLER_RELATIONS, SUBORDINATE_CHARMS, SERVICE_VMS } from '../../../src/inventory/reference.ts';
import { charmConfigYaml } from '../../../src/remote/juju/charm-config.ts';
import { parseServiceSettings } from '../../../src/remote/juju/service-settings.ts';
import { allUnits, hasRelation, parseJujuStatus } from '../../../src/remote/juju/status.ts';
import { unitUp } from '../../../src/status/juju-units.ts';

const SCRIPT = fileURLToPath(new URL('../../../lab/juju/juju', import.meta.url));
const SSHD = '/usr/sbin/sshd';
const USER = userInfo().username;
// sshd listens on several loopback addresses so that each "node" has its own address.
const BOOTSTRAP_HOST = '127.0.0.1';
const NODE = '127.0.0.2';
const PARALLEL_NODES = ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'];
/** A node only the key-set test adds. */
const KEYS_NODE = '127.0.0.8';
const LISTEN = [BOOTSTRAP_HOST, NODE, ...PARALLEL_NODES, KEYS_NODE];

const canRunSshd = existsSync(SSHD) && typeof process.getuid === 'function' && process.getuid() === 0;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir = '';
let jujuHome = '';
/** The caller's home for the stand-in: its ~/.ssh (known_hosts, default identities) is a temporary one. */
let home = '';
let sshPort = 0;
let sshd: ChildProcess | undefined;

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Never inherit the caller's Juju settings.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JUJU_')));
  return {
    ...env,
    HOME: home,
    JUJU_HOME: jujuHome,
    JUJU_STANDIN_SSH_PORT: String(sshPort),
    JUJU_STANDIN_SETTLE_SECONDS: '1',
    ...extra,
  };
}

function juju(args: string[], extra: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, args, { env: baseEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function status(extra: Record<string, string> = {}): Promise<any> {
  const r = await juju(['status', '--format=json'], extra);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function stateFile(): any {
  return JSON.parse(readFileSync(join(jujuHome, 'standin-state.json'), 'utf8'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function keygen(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `check` with Juju's own key pair replaced by a key no host authorizes, then puts Juju's back. */
async function withStrangerJujuKey(check: () => Promise<void>): Promise<void> {
  const keyPath = join(jujuHome, 'ssh', 'juju_id_rsa');
  renameSync(keyPath, keyPath + '.good');
  renameSync(`${keyPath}.pub`, `${keyPath}.pub.good`);
  try {
    writeFileSync(keyPath, readFileSync(join(dir, 'stranger_key')), { mode: 0o600 });
    writeFileSync(`${keyPath}.pub`, readFileSync(join(dir, 'stranger_key.pub')), { mode: 0o600 });
    await check();
  } finally {
    renameSync(keyPath + '.good', keyPath);
    renameSync(`${keyPath}.pub.good`, `${keyPath}.pub`);
  }
}

describe.skipIf(!canRunSshd)('juju stand-in (Juju 1.25 CLI, manual provider)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'juju-standin-'));
    jujuHome = join(dir, 'juju-home');
    home = join(dir, 'home');
    mkdirSync(join(jujuHome, 'ssh'), { recursive: true });
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    mkdirSync('/run/sshd', { recursive: true });
    keygen(join(dir, 'host_key'));
    keygen(join(dir, 'client_key'));
    keygen(join(dir, 'stranger_key'));
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    // Juju 1.x's own client key lives at $JUJU_HOME/ssh/juju_id_rsa.
    writeFileSync(join(jujuHome, 'ssh', 'juju_id_rsa'), readFileSync(join(dir, 'client_key')), { mode: 0o600 });
    writeFileSync(join(jujuHome, 'ssh', 'juju_id_rsa.pub'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
    writeFileSync(
      join(jujuHome, 'environments.yaml'),
      [
        'default: lab',
        'environments:',
        '  lab:',
        '    type: manual',
        `    bootstrap-host: ${BOOTSTRAP_HOST}`,
        `    bootstrap-user: ${USER}`,
        '    default-series: trusty',
        '',
      ].join('\n'),
    );
    sshPort = await freePort();
    const config = [
      `Port ${sshPort}`,
      ...LISTEN.map((a) => `ListenAddress ${a}`),
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxStartups 50:30:100',
      `PidFile ${join(dir, 'sshd.pid')}`,
      // VERBOSE logs which of the listen addresses each connection came in on.
      'LogLevel VERBOSE',
    ].join('\n');
    writeFileSync(join(dir, 'sshd_config'), config + '\n');
    sshd = spawn(SSHD, ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !(await canConnect(NODE, sshPort)); i++) await sleep(100);
    if (!(await canConnect(NODE, sshPort))) throw new Error('sshd did not start: ' + readFileSync(join(dir, 'sshd.log'), 'utf8'));
  });

  afterAll(() => {
    try {
      if (sshd && sshd.exitCode === null) sshd.kill('SIGTERM');
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('speaks Juju 1.x usage errors: unknown command and unknown flag exit 2', async () => {
    const version = await juju(['version']);
    expect(version).toMatchObject({ code: 0, stdout: '1.25.6-trusty-amd64\n' });
    const unknown = await juju(['frobnicate']);
    expect(unknown).toMatchObject({ code: 2, stderr: 'error: unrecognized command: juju frobnicate\n' });
    const flag = await juju(['status', '--bogus']);
    expect(flag).toMatchObject({ code: 2, stderr: 'error: flag provided but not defined: --bogus\n' });
  });

  it('status before bootstrap fails with the connection error and exit 1', async () => {
    const r = await juju(['status', '--format=json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ERROR Unable to connect to environment "lab"\./);
    expect(r.stderr).toContain('environment is not bootstrapped');
    const add = await juju(['add-machine', `ssh:${USER}@${NODE}`]);
    expect(add).toMatchObject({ code: 1, stderr: 'ERROR environment is not bootstrapped\n' });
  });

  it('bootstraps over SSH: machine 0 is the started state server; a second bootstrap is refused', async () => {
    const r = await juju(['bootstrap']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Bootstrap complete');
    const st = await status();
    expect(Object.keys(st)).toEqual(['environment', 'machines', 'services']);
    expect(st.environment).toBe('lab');
    expect(st.services).toEqual({});
    expect(st.machines['0']).toMatchObject({
      'agent-state': 'started',
      'agent-version': '1.25.6',
      'dns-name': BOOTSTRAP_HOST,
      'instance-id': 'manual:',
      series: 'trusty',
    });
    const again = await juju(['bootstrap']);
    expect(again).toMatchObject({ code: 1, stderr: 'ERROR environment is already bootstrapped\n' });
  });

  it('add-machine ssh: really logs in, prints "created machine N" on stderr, then settles', async () => {
    const sshdLog = () => readFileSync(join(dir, 'sshd.log'), 'utf8');
    const logBefore = sshdLog().length;
    const r = await juju(['add-machine', `ssh:${USER}@${NODE}`]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'created machine 1\n' });
    // sshd saw a connection to the node's address and a login, both during this add-machine (the
    // bootstrap logged in to the bootstrap host before).
    const session = sshdLog().slice(logBefore);
    expect(session).toMatch(new RegExp(`Connection from \\S+ port \\d+ on ${NODE.replace(/\./g, '\\.')} port ${sshPort}\\b`));
    expect(session).toContain(`Accepted publickey for ${USER} from `);
    expect(session).not.toContain(`on ${BOOTSTRAP_HOST} port ${sshPort}`);
    // Pending until the settle delay has passed: read with a delay that cannot have passed yet
    // (how long add-machine took on a loaded machine must not decide the test).
    const st = await status({ JUJU_STANDIN_SETTLE_SECONDS: '3600' });
    expect(st.machines['1']).toMatchObject({
      'agent-state': 'pending',
      'dns-name': NODE,
      'instance-id': `manual:${NODE}`,
      series: 'trusty',
    });
    expect(st.machines['1']).not.toHaveProperty('agent-version');
    // Then it settles: polled as the bootstrap does, not after a fixed sleep.
    let state = 'pending';
    for (let i = 0; i < 100 && state === 'pending'; i++) {
      await sleep(100);
      state = (await status()).machines['1']['agent-state'];
    }
    expect(state).toBe('started');
  });

  it('refuses a host that is already a machine (either the node or the bootstrap host)', async () => {
    for (const host of [NODE, BOOTSTRAP_HOST]) {
      const r = await juju(['add-machine', `ssh:${USER}@${host}`]);
      expect(r).toMatchObject({ code: 1, stderr: 'ERROR machine is already provisioned\n' });
    }
    expect(Object.keys((await status()).machines)).toEqual(['0', '1']);
  });

  it('fails like Juju, creating nothing, when the key is not authorized', async () => {
    await withStrangerJujuKey(async () => {
      const r = await juju(['add-machine', `ssh:${USER}@${PARALLEL_NODES[0]}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ERROR subprocess encountered error code 255 \(.*Permission denied \(publickey/);
    });
    expect(Object.keys((await status()).machines)).toEqual(['0', '1']);
  });

  it('fails like Juju, creating nothing, when nothing listens', async () => {
    const closed = await freePort();
    const r = await juju(['add-machine', `ssh:${USER}@127.0.0.9`], { JUJU_STANDIN_SSH_PORT: String(closed) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR subprocess encountered error code 255 \(ssh: connect to host 127\.0\.0\.9 port \d+: Connection refused\)\n$/);
    expect(Object.keys((await status()).machines)).toEqual(['0', '1']);
  });

  it('deploys with --to (both spellings), refuses duplicates and unknown machines', async () => {
    const mysql = await juju(['deploy', '--to=1', 'mysql']);
    expect(mysql.code, mysql.stderr).toBe(0);
    expect(mysql.stderr).toMatch(/^Added charm "cs:trusty\/mysql-\d+" to the environment\.\n$/);
    expect((await juju(['deploy', '--to', '1', 'cs:trusty/keystone'])).code).toBe(0);
    expect(await juju(['deploy', '--to=1', 'mysql'])).toMatchObject({
      code: 1,
      stderr: 'ERROR cannot add service "mysql": service already exists\n',
    });
    expect(await juju(['deploy', '--to=42', 'glance'])).toMatchObject({
      code: 1,
      stderr: 'ERROR cannot deploy "glance" to machine 42: machine 42 not found\n',
    });
    const st = await status();
    expect(st.services.glance).toBeUndefined();
    expect(st.services.mysql).toMatchObject({ charm: expect.stringMatching(/^cs:trusty\/mysql-\d+$/), exposed: false });
    expect(st.services.mysql.units['mysql/0']).toMatchObject({ machine: '1', 'public-address': NODE });
    expect(st.services.keystone.units['keystone/0'].machine).toBe('1');
  });

  it('adds units with the next unit number; unknown service or machine is an error', async () => {
    expect((await juju(['add-unit', '--to=0', 'keystone'])).code).toBe(0);
    expect((await status()).services.keystone.units['keystone/1'].machine).toBe('0');
    expect(await juju(['add-unit', 'nosuch'])).toMatchObject({ code: 1, stderr: 'ERROR service "nosuch" not found\n' });
    const r = await juju(['add-unit', '--to', '77', 'keystone']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('machine 77 not found');
    // As in Juju 1.25 the unit was created but left unassigned: its add-unit --to takes the placement
    // path (cmd/juju/service/addunit.go:197 at juju-1.25.9), which adds the unit before it looks
    // for the machine (juju/deploy.go:209, 223). remove-unit cleans it up.
    expect((await juju(['remove-unit', 'keystone/2'])).code).toBe(0);
    expect(Object.keys((await status()).services.keystone.units)).toEqual(['keystone/0', 'keystone/1']);
  });

  it('adds relations keyed by endpoint name; a duplicate in either order is "already exists", exit 1', async () => {
    expect((await juju(['add-relation', 'keystone', 'mysql'])).code).toBe(0);
    for (const args of [['keystone', 'mysql'], ['mysql', 'keystone'], ['mysql:shared-db', 'keystone:shared-db']]) {
      const r = await juju(['add-relation', ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('ERROR cannot add relation "keystone:shared-db mysql:shared-db": relation already exists\n');
    }
    expect(await juju(['add-relation', 'keystone', 'ghost'])).toMatchObject({ code: 1, stderr: 'ERROR service "ghost" not found\n' });
    const st = await status();
    expect(st.services.keystone.relations).toEqual({ 'shared-db': ['mysql'] });
    expect(st.services.mysql.relations).toEqual({ 'shared-db': ['keystone'] });
    expect(stateFile().relations).toHaveLength(1);
  });

  it('shows a related subordinate under each principal unit, with no units of its own', async () => {
    expect((await juju(['deploy', 'nrpe'])).code).toBe(0);
    expect((await juju(['add-relation', 'mysql:juju-info', 'nrpe:general-info'])).code).toBe(0);
    const st = await status();
    expect(st.services.nrpe).not.toHaveProperty('units');
    expect(st.services.nrpe['subordinate-to']).toEqual(['mysql']);
    expect(st.services.nrpe.relations).toEqual({ 'general-info': ['mysql'] });
    expect(st.services.mysql.relations).toEqual({ 'juju-info': ['nrpe'], 'shared-db': ['keystone'] });
    expect(Object.keys(st.services.mysql.units['mysql/0'].subordinates)).toEqual(['nrpe/0']);
  });

  it('sets and gets service settings: get prints YAML only, as 1.25 does', async () => {
    expect((await juju(['set', 'keystone', 'use-https=yes', 'https-service-endpoints=True'])).code).toBe(0);
    const got = await juju(['get', 'keystone']);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^charm: keystone\nservice: keystone\nsettings:\n/);
    expect(got.stdout).toMatch(/ {2}use-https:\n(?: {4}.*\n)*? {4}value: "yes"\n/);
    expect(parseServiceSettings(got.stdout, 'keystone')).toMatchObject({ 'use-https': 'yes', 'https-service-endpoints': 'True' });
    // cmd/juju/service/get.go:59-62 at juju-1.25.9: no JSON formatter, a usage error (exit 2).
    expect(await juju(['get', 'keystone', '--format=json'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'error: invalid value "json" for flag --format: unknown format "json"\n',
    });
    // Setting a value it already has: a warning, exit 0 (cmd/juju/service/set.go:144-147).
    expect(await juju(['set', 'keystone', 'use-https=yes'])).toMatchObject({
      code: 0,
      stderr: 'WARNING the configuration setting "use-https" already has the value "yes"\n',
    });
    expect(await juju(['set', 'ghost', 'a=b'])).toMatchObject({ code: 1, stderr: 'ERROR service "ghost" not found\n' });
  });

  it('new units go pending -> started only after the settle delay', async () => {
    expect((await juju(['deploy', '--to=0', 'probe-charm', 'probe'])).code).toBe(0);
    // The settle delay is the stand-in's switch: the same unit, read with a delay that has not
    // passed and with one that has (never a guess about how long a status call takes).
    const unitState = async (settle: string) => (await status({ JUJU_STANDIN_SETTLE_SECONDS: settle })).services.probe.units['probe/0']['agent-state'];
    expect(await unitState('3600')).toBe('pending');
    expect(await unitState('0')).toBe('started');
    const errored = await status({ JUJU_STANDIN_SETTLE_SECONDS: '0', JUJU_STANDIN_UNIT_ERROR: 'probe/0' });
    expect(errored.services.probe.units['probe/0']).toMatchObject({
      'agent-state': 'error',
      'agent-state-info': 'hook failed: "install"',
    });
  });

  it('juju run --unit runs the command on the unit machine over SSH and passes its exit code', async () => {
    const r = await juju(['run', '--unit=mysql/0', 'echo "$SSH_CONNECTION" | cut -d" " -f3; echo $((6*7))']);
    expect(r.code, r.stderr).toBe(0);
    // SSH_CONNECTION is only set by sshd: the server-side address is the unit's machine.
    expect(r.stdout).toBe(`${NODE}\n42\n`);
    const fail = await juju(['run', '--unit', 'mysql/0', 'exit 3']);
    expect(fail).toMatchObject({ code: 3, stderr: '' });
    const machine = await juju(['run', '--machine=0', 'echo "$SSH_CONNECTION" | cut -d" " -f3']);
    expect(machine.stdout).toBe(`${BOOTSTRAP_HOST}\n`);
  });

  it('JUJU_STANDIN_FAIL makes a command fail with ERROR and exit 1 without changing state', async () => {
    const before = readFileSync(join(jujuHome, 'standin-state.json'), 'utf8');
    const r = await juju(['add-relation', 'keystone', 'nrpe'], { JUJU_STANDIN_FAIL: 'add-relation' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR /);
    expect(readFileSync(join(jujuHome, 'standin-state.json'), 'utf8')).toBe(before);
  });

  it('concurrent add-machine calls get distinct ids and leave a consistent state file', async () => {
    const results = await Promise.all(PARALLEL_NODES.map((host) => juju(['add-machine', `ssh:${USER}@${host}`])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ids = results.map((r) => /^created machine (\d+)\n$/.exec(r.stderr)?.[1]);
    expect(new Set(ids).size).toBe(PARALLEL_NODES.length);
    const state = stateFile();
    const hosts = Object.values(state.machines).map((m: any) => m['dns-name']);
    for (const host of PARALLEL_NODES) expect(hosts.filter((h) => h === host)).toHaveLength(1);
    const numeric = Object.keys(state.machines).map(Number);
    expect(state['next-machine']).toBe(Math.max(...numeric) + 1);
    for (const id of ids) expect(state.machines[id!]['instance-id']).toMatch(/^manual:127\.0\.0\.[3-7]$/);
    // Destroyed ids are never reused.
    expect((await juju(['destroy-machine', ids[0]!])).code).toBe(0);
    expect((await juju(['add-machine', `ssh:${USER}@${PARALLEL_NODES[0]}`])).stderr).toBe(
      `created machine ${state['next-machine']}\n`,
    );
  });

  // ---- Juju 1.25's refusals and failure states (each case cites the 1.25 source it follows) ----

  it('logs in with Juju\'s key set only: never ~/.ssh/id_ed25519, but ~/.ssh/id_rsa too', async () => {
    // juju/utils ssh/ssh_openssh.go opensshOptions: $JUJU_HOME/ssh key pairs, then
    // ~/.ssh/{identity,id_rsa,id_dsa,id_ecdsa}; -i is always given, so OpenSSH adds no other.
    await withStrangerJujuKey(async () => {
      // The authorized key as the caller's id_ed25519: Juju would not offer it.
      writeFileSync(join(home, '.ssh', 'id_ed25519'), readFileSync(join(dir, 'client_key')), { mode: 0o600 });
      const refused = await juju(['add-machine', `ssh:${USER}@${KEYS_NODE}`]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^ERROR subprocess encountered error code 255 \(.*Permission denied \(publickey/);
      // The same key as the caller's id_rsa: Juju offers it.
      renameSync(join(home, '.ssh', 'id_ed25519'), join(home, '.ssh', 'id_rsa'));
      const added = await juju(['add-machine', `ssh:${USER}@${KEYS_NODE}`]);
      expect(added.code, added.stderr).toBe(0);
    }).finally(() => {
      rmSync(join(home, '.ssh', 'id_ed25519'), { force: true });
      rmSync(join(home, '.ssh', 'id_rsa'), { force: true });
    });
  });

  it('gives no port without the test switch: Juju always logs in on 22', async () => {
    // Nothing listens on 127.0.0.9 (npm test runs in a network namespace of its own): ssh's refusal
    // names the port it tried.
    const env = { JUJU_STANDIN_SSH_PORT: '' };
    const r = await juju(['add-machine', `ssh:${USER}@127.0.0.9`], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR subprocess encountered error code 255 \(ssh: connect to host 127\.0\.0\.9 port 22: Connection refused\)\n$/);
  });

  it('refuses an ambiguous relation as 1.25 does, creating nothing', async () => {
    for (const charm of ['quantum-gateway', 'rabbitmq-server']) expect((await juju(['deploy', '--to=1', charm])).code).toBe(0);
    const before = stateFile().relations.length;
    // state/state.go:1250-1313 (InferEndpoints) at juju-1.25.9: every candidate's relation key, sorted.
    expect(await juju(['add-relation', 'quantum-gateway', 'rabbitmq-server'])).toMatchObject({
      code: 1,
      stderr:
        'ERROR ambiguous relation: "quantum-gateway rabbitmq-server" could refer to ' +
        '"quantum-gateway:amqp rabbitmq-server:amqp"; "quantum-gateway:amqp-nova rabbitmq-server:amqp"\n',
    });
    expect(stateFile().relations).toHaveLength(before);
    expect(await juju(['add-relation', 'quantum-gateway:amqp', 'rabbitmq-server:amqp'])).toMatchObject({ code: 0, stderr: '' });
    // state/state.go:1381,1414: annotated with the relation key.
    expect(await juju(['add-relation', 'rabbitmq-server', 'quantum-gateway:amqp'])).toMatchObject({
      code: 1,
      stderr: 'ERROR cannot add relation "quantum-gateway:amqp rabbitmq-server:amqp": relation already exists\n',
    });
    expect(await juju(['add-relation', 'quantum-gateway:nosuch', 'rabbitmq-server'])).toMatchObject({
      code: 1,
      stderr: 'ERROR service "quantum-gateway" has no "nosuch" relation\n',
    });
  });

  it('takes every relation of the reference as written, none ambiguous, each once', async () => {
    const deployed = new Set(Object.keys((await status()).services));
    const charms = Object.values(SERVICE_VMS).flatMap((vm) => vm.charms);
    for (const charm of [...charms, 'nova-compute']) {
      if (!deployed.has(charm)) expect((await juju(['deploy', '--to=1', charm])).code, charm).toBe(0);
    }
    for (const charm of SUBORDINATE_CHARMS) if (!deployed.has(charm)) expect((await juju(['deploy', charm])).code).toBe(0);
    for (const relation of [...CONTROLLER_RELATIONS, ...COMPUTE_RELATIONS]) {
      const r = await juju(['add-relation', ...relation]);
      expect(r.stderr, relation.join(' ')).not.toContain('ambiguous');
      expect(r.code === 0 || r.stderr.includes('relation already exists'), `${relation.join(' ')}: ${r.stderr}`).toBe(true);
    }
    const st = parseJujuStatus(JSON.stringify(await status()));
    for (const relation of [...CONTROLLER_RELATIONS, ...COMPUTE_RELATIONS]) expect(hasRelation(st, relation), relation.join(' ')).toBe(true);
  }, 120_000);

  it('reports a lost unit agent and a down machine as 1.25 does: agent-state still started', async () => {
    const mysql = (await status()).services.mysql.units['mysql/0'];
    expect(mysql['agent-state']).toBe('started');
    // apiserver/client/status.go:745-770, 870-892 at juju-1.25.9 (processUnitLost).
    const lost = await status({ JUJU_STANDIN_UNIT_LOST: 'mysql/0' });
    expect(lost.services.mysql.units['mysql/0']).toMatchObject({
      'agent-state': 'started',
      'agent-status': { current: 'lost', message: 'agent is not communicating with the server' },
      'workload-status': { current: 'unknown', message: "agent is lost, sorry! See 'juju status-history mysql/0'" },
    });
    expect(unitUp(allUnits(parseJujuStatus(JSON.stringify(lost))).find((u) => u.name === 'mysql/0')!)).toBe(false);
    // apiserver/client/status.go:795-833 and cmd/juju/status/formatter.go:86-89, 300-310.
    const down = await status({ JUJU_STANDIN_MACHINE_DOWN: '1' });
    expect(down.machines['1']).toMatchObject({ 'agent-state': 'started', 'agent-state-info': '(started)' });
    expect(down.services.mysql.units['mysql/0']['agent-status'].current).toBe('lost');
    expect(down.services.mysql.units['mysql/0'].subordinates['nrpe/0']['agent-status'].current).toBe('lost');
    expect(down.machines['0']).not.toHaveProperty('agent-state-info');
  });

  it('juju run refuses a lost unit agent (exit 1) and cannot reach a down machine', async () => {
    // apiserver/client/run.go:87-120: `juju-run UNIT` dials the unit agent's socket
    // (cmd/jujud/run.go:125-145, worker/uniter/paths.go:113-131); cmd/juju/commands/run.go passes its code.
    expect(await juju(['run', '--unit=mysql/0', 'true'], { JUJU_STANDIN_UNIT_LOST: 'mysql/0' })).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: dial unix /var/lib/juju/agents/unit-mysql-0/run.socket: connection refused\n',
    });
    expect(await juju(['run', '--unit=mysql/0', 'echo up'])).toMatchObject({ code: 0, stdout: 'up\n' });
    // Several targets: one result each (YAML), the lost one with Juju's error and its code.
    const both = await juju(['run', '--unit=mysql/0,keystone/0', 'echo up'], { JUJU_STANDIN_UNIT_LOST: 'mysql/0' });
    expect(both.code, both.stderr).toBe(0);
    const results = parseYaml(both.stdout) as { UnitId: string; ReturnCode?: number; Stdout: string; Stderr?: string }[];
    expect(results.map((r) => [r.UnitId, r.ReturnCode ?? 0, r.Stdout])).toEqual([['mysql/0', 1, ''], ['keystone/0', 0, 'up\n']]);
    expect(results[0]!.Stderr).toMatch(/run\.socket: connection refused/);
    const machine = await juju(['run', '--machine=1', 'true'], { JUJU_STANDIN_MACHINE_DOWN: '1' });
    expect(machine.code).toBe(255);
    expect(machine.stderr).toMatch(/^ssh: connect to host 127\.0\.0\.2 port 22: Connection timed out\n$/);
  });

  it('prints a service whose status cannot be read as its status-error alone, without charm', async () => {
    // cmd/juju/status/formatted.go:84-90 (serviceStatus.MarshalJSON -> errorStatus) at juju-1.25.9.
    const st = await status({ JUJU_STANDIN_SERVICE_ERROR: 'ceilometer' });
    expect(st.services.ceilometer).toEqual({ 'status-error': expect.any(String) });
    expect(st.services.mysql.charm).toMatch(/^cs:trusty\/mysql-/);
  });

  it('reads deploy --config with a real YAML parser: the service name as top key, escapes kept', async () => {
    const tricky = { 'config-flags': 'a="b c",d=\\e', origin: 'cloud:trusty-icehouse', note: 'x: y # not a comment', unicode: 'caf\u00e9 \t tab' };
    const file = join(dir, 'probe2.yaml');
    writeFileSync(file, charmConfigYaml('probe2', tricky));
    expect((await juju(['deploy', '--to=0', '--config', file, 'probe-charm', 'probe2'])).code).toBe(0);
    expect(parseServiceSettings((await juju(['get', 'probe2'])).stdout, 'probe2')).toEqual(tricky);
    // charm.Config.ParseSettingsYAML via deploy (cmd/juju/commands/deploy_test.go:190 at juju-1.25.9).
    expect(await juju(['deploy', '--to=0', '--config', file, 'probe-charm', 'probe3'])).toMatchObject({
      code: 1,
      stderr: 'ERROR no settings found for "probe3"\n',
    });
    expect((await status()).services.probe3).toBeUndefined();
  });
});
