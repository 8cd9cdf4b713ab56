// The small pure parts of juju-key and compute-config: authorized_keys merging, the package list
// by series, the sysctl file, and the dpkg check's parsing.
import { describe, expect, it } from 'vitest';
import { missingKeys, parsePublicKeys, withKeys } from '../../../src/remote/facts/authorized-keys.ts';
import { computePackages, missingPackages } from '../../../src/remote/facts/packages.ts';
import { GRE_SYSCTL_FILE } from '../../../src/bootstrap/steps/compute-config.ts';
import { sysctlFileContent } from '../../../src/remote/facts/sysctl.ts';
import { FakeSession, ok } from '../../remote/fake-session.ts';

const JUJU_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJujuJujuJujuJujuJujuJujuJujuJujuJujuJujuJuju root@juju';
const OPERATOR = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOperatorOperatorOperatorOperatorOperatorOp operator';

describe('authorized_keys', () => {
  it('compares keys by type and blob, whatever their options and comments', () => {
    const existing = `${OPERATOR}\nfrom="10.0.0.0/8" ${JUJU_KEY.replace('root@juju', 'other comment')}\n`;
    expect(missingKeys(existing, parsePublicKeys(JUJU_KEY))).toEqual([]);
    expect(missingKeys(`${OPERATOR}\n`, parsePublicKeys(JUJU_KEY)).map((k) => k.line)).toEqual([JUJU_KEY]);
  });

  it('appends missing keys once, keeping every existing line (and a missing final newline)', () => {
    const keys = parsePublicKeys(`${JUJU_KEY}\n${JUJU_KEY}\n`);
    expect(withKeys(`# mine\n${OPERATOR}`, missingKeys(OPERATOR, keys))).toBe(`# mine\n${OPERATOR}\n${JUJU_KEY}\n`);
    expect(withKeys(null, missingKeys(null, keys))).toBe(`${JUJU_KEY}\n`);
  });

  it('ignores what is not a public key', () => {
    expect(parsePublicKeys('-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n# comment\n')).toEqual([]);
  });
});

describe('compute packages', () => {
  it('python-yaml where Python 2 is the default, python3-yaml later', () => {
    expect(computePackages('trusty')).toEqual([{ name: 'python-yaml' }]);
    expect(computePackages('xenial')).toEqual([{ name: 'python-yaml' }]);
    expect(computePackages('bionic')).toEqual([{ name: 'python3-yaml' }]);
    expect(computePackages('noble')).toEqual([{ name: 'python3-yaml' }]);
  });

  it('reads dpkg-query: installed, removed-but-configured and unknown packages', async () => {
    const s = new FakeSession(() => ({
      code: 1, // one package unknown
      stdout: 'python3-yaml install ok installed\nlibfoo:amd64 install ok installed\nvim deinstall ok config-files\n',
      stderr: 'dpkg-query: no packages found matching python-yaml\n',
    }));
    expect(await missingPackages(s, ['python3-yaml', 'libfoo', 'vim', 'python-yaml'].map((name) => ({ name })))).toEqual(['vim', 'python-yaml']);
    expect(s.commands[0]).toEqual(['dpkg-query', '-W', '-f=${Package} ${Status}\\n', '--', 'python3-yaml', 'libfoo', 'vim', 'python-yaml']);
    expect(await missingPackages(new FakeSession(() => ok()), [])).toEqual([]);
  });
});

describe('the GRE sysctl file', () => {
  it('sets forwarding and relaxes reverse-path filtering', () => {
    expect(GRE_SYSCTL_FILE.settings).toEqual({ 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.default.rp_filter': '0' });
    expect(sysctlFileContent(GRE_SYSCTL_FILE)).toMatch(/^# .*\nnet\.ipv4\.ip_forward = 1\nnet\.ipv4\.conf\.all\.rp_filter = 0\nnet\.ipv4\.conf\.default\.rp_filter = 0\n$/);
  });
});
