// Quoting, redaction, remote file scripts (run for real with a local sh) and the hosts block.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commandArgv, commandLine, quoteArgv } from '../../src/remote/quoting.ts';
import { Redactor, REDACTED } from '../../src/remote/redact.ts';
import { atomicWriteCommand, isMissing, parseStat, readFileCommand, statCommand } from '../../src/remote/remote-file.ts';
import { HostsFileError, renderHostsBlock, replaceHostsBlock } from '../../src/bootstrap/steps/hosts.ts';
import { parseStackOutputs, OutputsFileError } from '../../src/inventory/stack-outputs.ts';
import type { Command } from '../../src/remote/host.ts';

/** Runs a command line the way sshd does: `sh -c LINE`. */
function sh(command: Command, stdin = '', user = 'root') {
  const r = spawnSync('sh', ['-c', commandLine(command, { user })], { input: stdin, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('quoting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quoting-'));
  for (const f of ['a', 'aa']) writeFileSync(join(dir, f), '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Characters some shell acts on somewhere in a word: quotes, expansions, globs, separators,
  // redirections, comments, history, brace expansion, tilde and assignment.
  const META = [...`'"\`$\\!*?[]{}(),;&|<>#~= \t\r`];
  const CONSTRUCTS = ['$HOME', '$-', '$1', '${a}', '{a,aa}', '*', '?', '[a]', '~', '~root', '#', '!', '&', ';', '|', '<', '>', '(', ')', '\\', '"', "'", '`', ' ', '\t', '='];
  const metaString = fc.string({ unit: fc.oneof(fc.constantFrom(...META), fc.constantFrom('a', 'Z', '0', '-', '/', '.', '@', '%', ':', '+')), maxLength: 24 });
  /** Values the steps really pass: home directories as hosts report them, paths under them, options. */
  const argument = fc.oneof(
    metaString,
    metaString.map((s) => `/home/${s}`),
    metaString.map((s) => `/home/${s}/.ssh/authorized_keys`),
    metaString.map((s) => `~${s}`),
    metaString.map((s) => `-${s}`),
    metaString.map((s) => `NAME=${s}`),
    // One whole construct amid harmless characters, so that quoting the word is all that stands
    // between it and an expansion: `x/{a,aa}`, `a*`, `$-`, `~root/b`, `#a`.
    fc
      .tuple(fc.constantFrom('', 'a', 'x/'), fc.constantFrom(...CONSTRUCTS), fc.constantFrom('', 'a', '/b'))
      .map((parts) => parts.join('')),
    fc.string({ unit: 'binary-ascii', maxLength: 20 }).filter((s) => !s.includes('\0')),
  );

  it('passes any argument, home directories and shell metacharacters above all, through sh and bash unchanged (property)', () => {
    const lines: string[] = [];
    const expected: string[] = [];
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 5 }), (args) => {
        const line = quoteArgv(['printf', '%s\\0', ...args]);
        const out = execFileSync('sh', ['-c', line], { encoding: 'utf8', cwd: dir });
        expect(out.split('\0').slice(0, -1), `sh: ${line}`).toEqual(args);
        lines.push(line);
        expected.push(...args);
      }),
      { numRuns: 300 },
    );
    // The same lines through bash (a login shell sshd may start instead of sh), in one process.
    const out = execFileSync('bash', ['-c', lines.join('\n')], { encoding: 'utf8', cwd: dir });
    expect(out.split('\0').slice(0, -1)).toEqual(expected);
    // The shells ran where a glob would match (a, aa): nothing was created there either.
    expect(readdirSync(dir).sort()).toEqual(['a', 'aa']);
  }, 120_000);

  it('never lets a first word be a variable assignment', () => {
    const r = sh(['OPENCLOUD_X=1', 'printf', 'ran']);
    expect(r.code).toBe(127); // the command OPENCLOUD_X=1 does not exist; printf did not run
    expect(r.stdout).toBe('');
  });

  it('neutralizes shell syntax in inventory values', () => {
    const evil = 'x; touch /tmp/pwned-$(id -u) `id` && echo $HOME | cat';
    expect(sh(['echo', evil]).stdout).toBe(`${evil}\n`);
    expect(sh({ script: 'printf "%s|%s" "$1" "$2"', args: [evil, "it's"] }).stdout).toBe(`${evil}|it's`);
  });

  it('uses sudo -n for root commands of other users only', () => {
    expect(commandLine(['cat', '/etc/shadow'], { sudo: true, user: 'ubuntu' })).toBe('sudo -n -- cat /etc/shadow');
    expect(commandLine(['cat', '/etc/shadow'], { sudo: true, user: 'root' })).toBe('cat /etc/shadow');
    expect(commandLine(['id'], { sudo: false, user: 'ubuntu' })).toBe('id');
    expect(commandArgv({ script: 'echo "$1"', args: ['a b'] })).toEqual(['sh', '-c', 'echo "$1"', 'sh', 'a b']);
    expect(commandArgv({ script: 'true' })).toEqual(['sh', '-c', 'true', 'sh']);
    expect(commandArgv(['id', '-u'])).toEqual(['id', '-u']);
  });

  it('refuses an empty command instead of sending an empty line', () => {
    expect(() => quoteArgv([])).toThrow('empty command');
    expect(() => commandLine([], { user: 'root' })).toThrow('empty command');
  });
});

describe('redaction', () => {
  it('hides registered secrets, password assignments and private keys', () => {
    const r = new Redactor();
    r.add('s3cr3t-token-value');
    expect(r.redact('curl -H s3cr3t-token-value')).toBe(`curl -H ${REDACTED}`);
    expect(r.redact('export OS_PASSWORD=hunter22 OS_USERNAME=admin')).toBe(`export OS_PASSWORD=${REDACTED} OS_USERNAME=admin`);
    expect(r.redact('admin-password=abc123 x')).toBe(`admin-password=${REDACTED} x`);
    expect(r.redact('juju set keystone admin_password="p@ss w"')).toContain(REDACTED);
    expect(r.redact('{"password": "p"}')).not.toContain('"p"');
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(r.redact(`before\n${key}after`)).toBe(`before\n-----BEGIN OPENSSH PRIVATE KEY-----${REDACTED}-----END OPENSSH PRIVATE KEY-----\nafter`);
    expect(r.redact('-----BEGIN RSA PRIVATE KEY-----\ntruncated')).not.toContain('truncated');
    expect(r.redact('plain text')).toBe('plain text');
  });

  // `juju get keystone` as Juju 1.25 prints it (YAML by default; goyaml sorts the keys and wraps
  // long descriptions; `default: true` marks a setting left at its default).
  const KEYSTONE_YAML = [
    'charm: keystone',
    'service: keystone',
    'settings:',
    '  admin-password:',
    '    description: Admin password. To be used *for testing only*. Randomly generated',
    '      by default.',
    '    type: string',
    "    value: 0p3n Cl0ud's pw",
    '  admin-role:',
    '    default: true',
    '    description: Admin role to be associated with admin and service users.',
    '    type: string',
    '    value: Admin',
    '  admin-token:',
    '    description: Admin token. If set, this token will be used for all services instead',
    '      of being generated per service.',
    '    type: string',
    '    value: 7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e',
    '  admin-user:',
    '    default: true',
    '    description: Default admin user to create and manage.',
    '    type: string',
    '    value: admin',
    '',
  ].join('\n');

  it('hides the values of secret settings in juju get output (YAML blocks), keeping the rest', () => {
    const out = new Redactor().redact(KEYSTONE_YAML);
    for (const secret of ["0p3n Cl0ud's pw", 'Cl0ud', '7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e']) expect(out).not.toContain(secret);
    expect(out).toBe(
      KEYSTONE_YAML.replace("value: 0p3n Cl0ud's pw", `value: ${REDACTED}`).replace('value: 7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e', `value: ${REDACTED}`),
    );
  });

  it('hides secret settings of juju get in flow YAML and JSON, and wrapped or block values', () => {
    const r = new Redactor();
    const flow = r.redact('settings: {admin-password: {value: s3cret-pw, type: string, description: Admin password}, admin-user: {value: admin}}');
    expect(flow).toBe(`settings: {admin-password: {value: ${REDACTED}, type: string, description: Admin password}, admin-user: {value: admin}}`);
    const json = JSON.stringify({
      charm: 'keystone',
      service: 'keystone',
      settings: {
        'admin-password': { description: 'Admin password. To be used {for testing} only.', type: 'string', value: 'pw with spaces' },
        'admin-token': { default: true, description: 'Admin token.', type: 'string', value: 'ADMIN' },
        'admin-user': { description: 'Default admin user.', type: 'string', value: 'admin' },
      },
    });
    const shown = r.redact(json);
    expect(shown).not.toMatch(/pw with spaces|"ADMIN"/);
    expect(JSON.parse(shown).settings).toEqual({
      'admin-password': { description: 'Admin password. To be used {for testing} only.', type: 'string', value: REDACTED },
      'admin-token': { default: true, description: 'Admin token.', type: 'string', value: REDACTED },
      'admin-user': { description: 'Default admin user.', type: 'string', value: 'admin' },
    });
    // juju get rabbitmq-server: a private key given as base64, and a wrapped plain value.
    const rabbit = [
      'settings:',
      '  management_plugin:',
      '    default: true',
      '    type: boolean',
      '    value: false',
      '  ssl_key:',
      '    description: Private unencrypted key in base64 PEM format',
      '    type: string',
      '    value: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB',
      '      MnFaWnVvRkp3dE1kN0lBRk9UZ0pQeGJqYTBhQ2RU',
      '  source:',
      '    type: string',
      '    value: cloud:trusty-icehouse',
      '  rabbit-password: |',
      '    first line of a secret',
      '    second line',
      'done: yes',
    ].join('\n');
    const r2 = r.redact(rabbit);
    expect(r2).not.toMatch(/LS0tLS1|MnFaWnVv|first line|second line/);
    expect(r2).toContain('    value: false');
    expect(r2).toContain('    value: cloud:trusty-icehouse');
    expect(r2).toContain('done: yes');
  });

  it('hides single-quoted, double-quoted, escaped and space-containing OS_PASSWORD values and URL passwords', () => {
    const r = new Redactor();
    expect(r.redact("export OS_PASSWORD='correct horse battery'\nexport OS_USERNAME=admin")).toBe(`export OS_PASSWORD='${REDACTED}'\nexport OS_USERNAME=admin`);
    expect(r.redact(`export OS_PASSWORD='it'\\''s a pw' OS_TENANT_NAME=admin`)).toBe(`export OS_PASSWORD='${REDACTED}' OS_TENANT_NAME=admin`);
    expect(r.redact('OS_PASSWORD="pass \\"word\\" x"; echo ok')).toBe(`OS_PASSWORD="${REDACTED}"; echo ok`);
    expect(r.redact('OS_PASSWORD=pass\\ word next')).toBe(`OS_PASSWORD=${REDACTED} next`);
    expect(r.redact('juju set keystone admin_password="p@ss w"')).toBe(`juju set keystone admin_password="${REDACTED}"`);
    expect(r.redact('connection = mysql://nova:n0va-Pw@192.168.100.50/nova')).toBe(`connection = mysql://nova:${REDACTED}@192.168.100.50/nova`);
    expect(r.redact('admin-password:\n  - x')).not.toContain('[REDACTED]:'); // a key alone on its line is not a value
  });
});

describe('remote files (scripts run with the local sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remote-file-'));

  it('tells a missing file from an empty one', () => {
    writeFileSync(join(dir, 'empty'), '');
    const empty = sh(readFileCommand(join(dir, 'empty')));
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    const missing = sh(readFileCommand(join(dir, 'missing')));
    expect(isMissing(missing)).toBe(true);
    expect(isMissing(sh(statCommand(join(dir, 'missing'))))).toBe(true);
    expect(isMissing({ code: 1, stderr: 'cat: permission denied' })).toBe(false);
  });

  it('flushes the new content to disk before the rename (and the directory after it)', () => {
    // A `sync` in front of the real one on PATH notes what it was asked to flush and what the
    // target held at that moment.
    const bin = mkdtempSync(join(dir, 'sync-shim-'));
    const calls = join(bin, 'calls');
    const target = join(dir, 'synced');
    writeFileSync(target, 'old\n');
    writeFileSync(join(bin, 'sync'), `#!/bin/sh\nprintf '%s|%s|%s\\n' "$2" "$(cat "$2" 2>/dev/null | head -c 20)" "$(cat '${target}')" >> '${calls}'\nexec /bin/sync "$@"\n`);
    chmodSync(join(bin, 'sync'), 0o755);
    const line = commandLine(atomicWriteCommand(target, 0o644, ''), { user: 'root' });
    const r = spawnSync('sh', ['-c', line], { input: 'new\n', encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.status, r.stderr).toBe(0);
    const [first, second] = readFileSync(calls, 'utf8').trim().split('\n').map((l) => l.split('|'));
    // First the temporary file, holding the new content, while the target still holds the old.
    expect(first![0]).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.opencloud-tmp\\.`));
    expect(first!.slice(1)).toEqual(['new', 'old']);
    // Then the directory, once the rename is done.
    expect(second![0]).toBe(dir);
    expect(second![2]).toBe('new');
  });

  it('replaces a file by rename, keeping its mode; creates new files with the given mode', () => {
    const target = join(dir, 'hosts with space');
    writeFileSync(target, 'old\n');
    chmodSync(target, 0o640);
    const inode = statSync(target).ino;
    const r = sh(atomicWriteCommand(target, 0o600, ''), 'new content\nline "2" $HOME\n');
    expect(r).toMatchObject({ code: 0 });
    expect(readFileSync(target, 'utf8')).toBe('new content\nline "2" $HOME\n');
    expect(statSync(target).ino).not.toBe(inode);
    expect(statSync(target).mode & 0o7777).toBe(0o640);
    const st = parseStat(sh(statCommand(target)).stdout);
    expect(st.mode).toBe(0o640);
    expect(st.inode).toBe(statSync(target).ino);

    const fresh = join(dir, 'fresh');
    expect(sh(atomicWriteCommand(fresh, 0o604, ''), 'x').code).toBe(0);
    expect(statSync(fresh).mode & 0o7777).toBe(0o604);
    expect(spawnSync('sh', ['-c', `ls -a '${dir}' | grep -c opencloud-tmp`], { encoding: 'utf8' }).stdout.trim()).toBe('0');
  });

  it('leaves the target alone and no temp file when the write fails', () => {
    const r = sh(atomicWriteCommand(join(dir, 'no-such-dir', 'f'), 0o644, ''), 'x');
    expect(r.code).not.toBe(0);
    expect(() => atomicWriteCommand('relative/path', 0o644, '')).toThrow(/absolute/);
    expect(() => atomicWriteCommand('/etc/x', 0o644, 'root; rm')).toThrow(/owner/);
  });
});

describe('hosts block', () => {
  const block = renderHostsBlock('east', [
    { ip: '10.0.0.1', names: ['keystone.amazon', 'keystone'] },
    { ip: '10.0.0.2', names: ['juju.amazon'] },
  ]);

  it('appends the block to a file without one, keeping every line', () => {
    expect(replaceHostsBlock('127.0.0.1 localhost\n', 'east', block)).toBe(
      '127.0.0.1 localhost\n# BEGIN opencloud east\n10.0.0.1 keystone.amazon keystone\n10.0.0.2 juju.amazon\n# END opencloud east\n',
    );
    expect(replaceHostsBlock('127.0.0.1 localhost', 'east', block)).toBe(
      '127.0.0.1 localhost\n# BEGIN opencloud east\n10.0.0.1 keystone.amazon keystone\n10.0.0.2 juju.amazon\n# END opencloud east\n',
    );
    expect(replaceHostsBlock(null, 'east', block)).toBe(`${block.join('\n')}\n`);
    expect(replaceHostsBlock('', 'east', block)).toBe(`${block.join('\n')}\n`); // an empty file: no empty line before the block
  });

  it('replaces only its own block, in place, and is a fixed point', () => {
    const other = ['# BEGIN opencloud west', '10.9.9.9 west', '# END opencloud west'];
    const text = ['a', '# BEGIN opencloud east', '1.1.1.1 stale', '# END opencloud east', 'b', ...other, ''].join('\n');
    const once = replaceHostsBlock(text, 'east', block);
    expect(once).toBe(['a', ...block, 'b', ...other, ''].join('\n'));
    expect(replaceHostsBlock(once, 'east', block)).toBe(once);
  });

  it('drops a duplicate block and refuses an unterminated one', () => {
    const dup = ['x', ...block, 'y', ...block, 'z', ''].join('\n');
    expect(replaceHostsBlock(dup, 'east', block)).toBe(['x', ...block, 'y', 'z', ''].join('\n'));
    expect(() => replaceHostsBlock('# BEGIN opencloud east\n1.1.1.1 a\n', 'east', block)).toThrow(HostsFileError);
    expect(() => replaceHostsBlock('# END opencloud east\n', 'east', block)).toThrow(HostsFileError);
    expect(() => replaceHostsBlock('# END opencloud east\n', 'east', block)).toThrow(expect.objectContaining({ name: 'HostsFileError' }));
  });

  it('finds its markers when indented or CRLF-ended, and keeps a missing final newline missing', () => {
    const stale = ['a', '  # BEGIN opencloud east \r', '1.1.1.1 stale\r', '\t# END opencloud east\r', 'b\r', ''].join('\n');
    expect(replaceHostsBlock(stale, 'east', block)).toBe(['a', ...block, 'b\r', ''].join('\n'));
    const noFinalNewline = ['a', '# BEGIN opencloud east', '1.1.1.1 stale', '# END opencloud east', 'b'].join('\n');
    expect(replaceHostsBlock(noFinalNewline, 'east', block)).toBe(['a', ...block, 'b'].join('\n'));
    const blockLast = ['a', '# BEGIN opencloud east', '1.1.1.1 stale', '# END opencloud east'].join('\n');
    expect(replaceHostsBlock(blockLast, 'east', block)).toBe(['a', ...block].join('\n'));
    // An END marker alone is refused however it is spelled, and the error names its line.
    expect(() => replaceHostsBlock('a\n  # END opencloud east\r\n', 'east', block)).toThrow(
      '/etc/hosts has "# END opencloud east" on line 2 without "# BEGIN opencloud east" before it; fix the file by hand',
    );
    expect(() => replaceHostsBlock('a\nb\n # BEGIN opencloud east\r\n1.1.1.1 x\n', 'east', block)).toThrow(
      '/etc/hosts has "# BEGIN opencloud east" on line 3 but no "# END opencloud east" after it; fix the file by hand',
    );
  });

  it('replaces an existing block whatever its markers look like, keeping the lines around it and the final newline as they were (property)', () => {
    const line = fc.string({ maxLength: 30 }).filter((l) => !l.includes('\n') && !l.includes('opencloud'));
    const indent = fc.constantFrom('', ' ', '  ', '\t');
    const ending = fc.constantFrom('', '\r', ' ', ' \r', '\t');
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 5 }),
        fc.array(line, { maxLength: 3 }),
        fc.array(line, { maxLength: 5 }),
        fc.tuple(indent, ending, indent, ending),
        fc.boolean(),
        (before, stale, after, [i1, e1, i2, e2], finalNewline) => {
          const old = [`${i1}# BEGIN opencloud east${e1}`, ...stale, `${i2}# END opencloud east${e2}`];
          const text = [...before, ...old, ...after].join('\n') + (finalNewline ? '\n' : '');
          const out = replaceHostsBlock(text, 'east', block);
          expect(out).toBe([...before, ...block, ...after].join('\n') + (finalNewline ? '\n' : ''));
          expect(replaceHostsBlock(out, 'east', block)).toBe(out);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps arbitrary surrounding lines byte for byte', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((l) => !l.includes('\n') && !l.includes('opencloud'))), (lines) => {
        const text = lines.length ? `${lines.join('\n')}\n` : '';
        const out = replaceHostsBlock(text, 'east', block);
        expect(out.startsWith(text)).toBe(true);
        expect(replaceHostsBlock(out, 'east', block)).toBe(out);
      }),
    );
  });
});

describe('stack outputs', () => {
  const good = {
    router_public_ip: '198.51.100.2',
    router_management_ip: '192.168.100.10',
    service_vm_ips: { keystone: '192.168.100.40' },
    hosts_block: [{ ip: '198.51.100.2', names: ['keystone.amazon'] }],
    juju_host: '198.51.100.2',
  };
  it('reads the stack named after the cluster', () => {
    expect(parseStackOutputs(JSON.stringify({ east: good }), 'f.json', 'east')).toEqual(good);
  });
  it('reports a garbled or foreign file clearly', () => {
    expect(() => parseStackOutputs('{', 'f.json', 'east')).toThrow(/f.json: not valid JSON/);
    expect(() => parseStackOutputs('[]', 'f.json', 'east')).toThrow(OutputsFileError);
    expect(() => parseStackOutputs(JSON.stringify({ west: good }), 'f.json', 'east')).toThrow(/no outputs for stack "east" \(it has: west\)/);
    expect(() => parseStackOutputs(JSON.stringify({ east: { ...good, hosts_block: [{ ip: '1.2.3.4', names: ['a;rm -rf /'] }] } }), 'f.json', 'east')).toThrow(
      /east\.hosts_block\.0\.names\.0: must be a host name/,
    );
  });
});
