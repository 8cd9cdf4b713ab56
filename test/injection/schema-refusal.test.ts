// Values that end up in remote shell commands, file names or resource names refuse anything a
// shell would act on, each with a problem at the value's own line and column. And whatever hostile
// fragment is spliced into whatever string of the example inventories, a model the loader accepts
// never holds a shell metacharacter the unmodified example did not already hold.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, visit } from 'yaml';
import { parseInventory } from '../../src/inventory/load.ts';

/** Each line of the document holds at most one value, so a problem's line and column are known. */
const BASE = [
  'name: lab', // 1
  'region: us-east-1', // 2
  'ssh:', // 3
  '  user: ubuntu', // 4
  '  privateKeyFile: keys/id', // 5
  '  knownHostsFile: keys/known_hosts', // 6
  'controller:', // 7
  '  kind: existing', // 8
  '  greSecurityGroup: juju-amazon-6', // 9
  '  keystoneSecurityGroup: juju-amazon-3', // 10
  '  jujuHost: 203.0.113.20', // 11
  '  jujuUser: ubuntu', // 12
  '  hosts:', // 13
  '    - ip: 203.0.113.21', // 14
  '      names:', // 15
  '        - keystone.amazon', // 16
  'computeNodes:', // 17
  '  - name: node-1', // 18
  '    publicIp: 198.51.100.31', // 19
  '    hardware:', // 20
  '      cpuCores: 12', // 21
  '      arch: x86_64', // 22
  '      memoryGiB: 48', // 23
  '      diskTiB: 3', // 24
  '      nics:', // 25
  '        - name: eth0', // 26
  '          speedMbps: 1000', // 27
  '        - name: eth1', // 28
  '          speedMbps: 1000', // 29
];

/** The managed controller's value that names a file (read locally, but a path like any other). */
const MANAGED = [
  'name: lab', // 1
  'region: us-east-1', // 2
  'controller:', // 3
  '  kind: managed', // 4
  '  vpcCidr: 192.168.0.0/16', // 5
  '  publicSubnetCidr: 192.168.1.0/24', // 6
  '  clientCidrs: [203.0.113.0/24]', // 7
  '  publicKeyFile: keys/id.pub', // 8
];

interface Field {
  readonly doc: readonly string[];
  readonly line: number;
  readonly path: string;
}

const FIELDS: readonly Field[] = [
  { doc: BASE, line: 1, path: 'name' },
  { doc: BASE, line: 4, path: 'ssh.user' },
  { doc: BASE, line: 5, path: 'ssh.privateKeyFile' },
  { doc: BASE, line: 6, path: 'ssh.knownHostsFile' },
  { doc: BASE, line: 9, path: 'controller.greSecurityGroup' },
  { doc: BASE, line: 10, path: 'controller.keystoneSecurityGroup' },
  { doc: BASE, line: 12, path: 'controller.jujuUser' },
  { doc: BASE, line: 16, path: 'controller.hosts[0].names[0]' },
  { doc: BASE, line: 18, path: 'computeNodes[0].name' },
  { doc: BASE, line: 26, path: 'computeNodes[0].hardware.nics[0].name' },
  { doc: MANAGED, line: 8, path: 'controller.publicKeyFile' },
];

/** What a shell acts on: quotes, substitutions, separators, pipes, newlines, options, spaces, globs. */
export const HOSTILE = [
  "it's", 'say "hi"', 'a$(id)', '$(id)', 'a`id`', '`id`', 'a;b', ';', 'a|b', 'a&b', 'a&&b', 'a\nb', 'a\rb', '\n',
  '-rf', '--help', '-oProxyCommand=x', 'a b', ' a', 'a\tb', '*', 'a*', 'a?', '[ab]', 'a[0]', '{a,b}', '$HOME', 'a$b',
  'a>b', 'a<b', '!x', 'a\\b', 'a#b', 'a\0b',
];

function withValue(f: Field, value: string): { text: string; col: number } {
  const lines = [...f.doc];
  const original = lines[f.line - 1]!;
  const prefix = original.slice(0, original.lastIndexOf(' ') + 1);
  lines[f.line - 1] = `${prefix}${JSON.stringify(value)}`;
  return { text: lines.join('\n'), col: prefix.length + 1 };
}

describe('hostile values are refused at their place', () => {
  it('the documents are valid as they are', () => {
    expect(parseInventory(BASE.join('\n'), 'base.yaml').diagnostics).toEqual([]);
    expect(parseInventory(MANAGED.join('\n'), 'managed.yaml').diagnostics).toEqual([]);
  });

  for (const f of FIELDS) {
    it(`${f.path}`, () => {
      for (const value of HOSTILE) {
        const { text, col } = withValue(f, value);
        const result = parseInventory(text, 'hostile.yaml');
        const shown = `${f.path} = ${JSON.stringify(value)}`;
        expect(result.model, shown).toBeUndefined();
        expect(result.diagnostics.length, shown).toBeGreaterThan(0);
        // One problem, at the value itself, naming the key.
        for (const d of result.diagnostics) {
          expect({ line: d.line, col: d.col }, `${shown}: ${d.message}`).toEqual({ line: f.line, col });
          expect(d.message, shown).toMatch(new RegExp(`^${f.path.replace(/[[\].]/g, '\\$&')}: `));
        }
      }
    });
  }
});

// Characters a POSIX shell treats specially somewhere, and whitespace.
const META = /[\s'"`$;|&<>()*?[\]{}!\\#\0]/;

/** Every string of a model (deep), with where it is. */
function strings(value: unknown, at = ''): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k));
  return [];
}

const examples = ['inventory/example.yaml', 'inventory/install-cloud.yaml'].map((f) => readFileSync(f, 'utf8'));

/** The string scalars in value position (mapping values and sequence items) of a document. */
function valueScalarCount(text: string): number {
  let n = 0;
  visit(parseDocument(text), {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') n++;
    },
  });
  return n;
}

describe('hostile fragments spliced into any string of the examples', () => {
  it('never yield a model with a shell metacharacter or a leading dash the example did not have', () => {
    const baseline = examples.map((text) => {
      const model = parseInventory(text, 'example.yaml').model!;
      return new Set(strings(model).filter(([path, s]) => path !== 'sourceFile' && (META.test(s) || s.startsWith('-'))).map(([, s]) => s));
    });
    const counts = examples.map(valueScalarCount);
    fc.assert(
      fc.property(
        fc.nat({ max: examples.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }).filter((s) => META.test(s) || s.startsWith('-'))),
        (which, scalarSeed, posSeed, fragment) => {
          const doc = parseDocument(examples[which]!);
          const target = scalarSeed % counts[which]!;
          let i = 0;
          visit(doc, {
            Scalar(key, node) {
              if (key === 'key' || typeof node.value !== 'string') return;
              if (i++ !== target) return;
              const v = node.value;
              const at = posSeed % (v.length + 1);
              node.value = v.slice(0, at) + fragment + v.slice(at);
              return visit.BREAK;
            },
          });
          const result = parseInventory(doc.toString(), 'fuzz.yaml');
          if (!result.model) {
            expect(result.diagnostics.length).toBeGreaterThan(0);
            return;
          }
          for (const [path, s] of strings(result.model)) {
            if (path === 'sourceFile' || baseline[which]!.has(s)) continue;
            expect(META.test(s) || s.startsWith('-'), `${path} = ${JSON.stringify(s)}`).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
