// The small pure parts of compute-config: the package list by series, the sysctl file, and the
// dpkg check's parsing.
import { describe, expect, it } from 'vitest';
import { computePackages, missingPackages } from '../../../src/remote/facts/packages.ts';
import { GRE_SYSCTL_FILE } from '../../../src/bootstrap/steps/compute-config.ts';
import { sysctlFileContent } from '../../../src/remote/facts/sysctl.ts';
import { FakeSession, ok } from '../../remote/fake-session.ts';

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
