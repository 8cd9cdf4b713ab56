// The provider package's barrel loads ~2,200 modules (about 10 s and 700 MB per synth): only
// deep imports of the one resource a file needs are allowed anywhere in the repository.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGE = ['@cdktf', 'provider-aws'].join('/');
/** The package itself, `lib`, or `lib/index`, with or without an extension or a trailing slash. */
const BARREL = new RegExp(`^${PACKAGE.replace('/', '\\/')}(\\/lib(\\/index(\\.js|\\.ts|\\.mjs|\\.cjs)?)?)?\\/?$`);
/** Module specifiers of static imports and exports, dynamic imports and require calls. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"`])([^'"`]+)\1/g;

/**
 * The one file that loads the barrel on purpose: the benchmark's comparison run, which measures
 * what the barrel would cost.
 */
const ALLOWED = new Set(['bench/synth-child.ts']);

export function barrelImports(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[2]!).filter((spec) => BARREL.test(spec));
}

function sources(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : sources(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe('provider imports', () => {
  it('recognizes every form of the barrel and only those', () => {
    const found = barrelImports(
      [
        `import { Instance } from '${PACKAGE}';`,
        `import * as aws from "${PACKAGE}/lib";`,
        `import { vpc } from '${PACKAGE}/lib/index.js';`,
        `export * from '${PACKAGE}/lib/index';`,
        `const aws = await import('${PACKAGE}');`,
        `const aws = require("${PACKAGE}/lib/");`,
        `import '${PACKAGE}';`,
        `import { Vpc } from '${PACKAGE}/lib/vpc/index.js';`,
        `import { Instance } from '${PACKAGE}/lib/instance';`,
      ].join('\n'),
    );
    expect(found).toEqual([PACKAGE, `${PACKAGE}/lib`, `${PACKAGE}/lib/index.js`, `${PACKAGE}/lib/index`, PACKAGE, `${PACKAGE}/lib/`, PACKAGE]);
  });

  it('never load the barrel in src, stacks, test or bench', () => {
    const offenders = ['src', 'stacks', 'test', 'bench']
      .flatMap(sources)
      .filter((file) => !ALLOWED.has(file.split('\\').join('/')))
      .flatMap((file) => barrelImports(readFileSync(file, 'utf8')).map((spec) => `${file}: ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('are deep everywhere in stacks/', () => {
    const stacks = sources('stacks');
    expect(stacks.length).toBeGreaterThan(10);
    for (const file of stacks) {
      for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        if (m[2]!.startsWith(PACKAGE)) expect(m[2], file).toMatch(new RegExp(`^${PACKAGE}/lib/[a-z0-9-]+/index\\.js$`));
      }
    }
  });
});
