// Reconciling the router's iptables with the desired ruleset: what `iptables-save` shows of our
// chains, how it differs, and the one `iptables-restore --noflush` transaction that makes it equal.
// In that mode a declared user chain (`:CHAIN - [0:0]`) is created or flushed, built-in chains and
// other chains are left alone, and the whole input is committed per table at once or not at all.
import { CHAIN_PREFIX, jumpRule, type Ruleset, type Table, type TableRuleset } from './ruleset.ts';

// filter first: if the nat half of the input failed, the new filter alone never opens anything.
export const TABLES: readonly Table[] = ['filter', 'nat'];

/** What iptables-save shows of one table, as far as it concerns us. */
export interface SavedTable {
  /** Our chains (OPENCLOUD-*) that exist. */
  readonly chains: readonly string[];
  /** Rules of our chains, per chain, in order. */
  readonly rules: ReadonlyMap<string, readonly string[]>;
  /** Jump rules from built-in chains into ours, exactly `-A BUILTIN -j OPENCLOUD-*`, counted. */
  readonly jumps: ReadonlyMap<string, number>;
}

/** Collapses whitespace; drops `[packets:bytes]` counters (`iptables-save -c`). */
export function normalizeRule(line: string): string {
  return line.replace(/^\[\d+:\d+\]\s+/, '').trim().replace(/\s+/g, ' ');
}

/** Parses the `*TABLE ... COMMIT` section of `iptables-save` output for one table. */
export function parseSaved(text: string, table: Table): SavedTable {
  const chains: string[] = [];
  const rules = new Map<string, string[]>();
  const jumps = new Map<string, number>();
  let inTable = false;
  for (const raw of text.split('\n')) {
    const line = normalizeRule(raw);
    if (line.startsWith('*')) {
      inTable = line === `*${table}`;
      continue;
    }
    if (!inTable || line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      if (name.startsWith(CHAIN_PREFIX)) {
        chains.push(name);
        rules.set(name, []);
      }
      continue;
    }
    const m = /^-A (\S+)(?: |$)/.exec(line);
    if (!m) continue;
    const chain = m[1]!;
    if (chain.startsWith(CHAIN_PREFIX)) {
      const list = rules.get(chain) ?? [];
      list.push(line);
      rules.set(chain, list);
    } else if (new RegExp(`^-A ${chain} -j ${CHAIN_PREFIX}\\S+$`).test(line)) {
      jumps.set(line, (jumps.get(line) ?? 0) + 1);
    }
  }
  return { chains, rules, jumps };
}

/** One line per difference, for the operator; empty when the router has exactly the ruleset. */
export function compareTable(table: Table, desired: TableRuleset, saved: SavedTable): string[] {
  const diffs: string[] = [];
  for (const chain of desired.chains) {
    if (!saved.chains.includes(chain)) {
      diffs.push(`${table} chain ${chain} missing`);
      continue;
    }
    const want = desired.rules.filter((r) => ruleChain(r) === chain);
    const have = saved.rules.get(chain) ?? [];
    if (want.length !== have.length || want.some((r, i) => r !== have[i])) {
      const missing = want.filter((r) => !have.includes(r)).length;
      const extra = have.filter((r) => !want.includes(r)).length;
      diffs.push(`${table} chain ${chain}: ${missing} rule(s) missing, ${extra} unexpected${missing === 0 && extra === 0 ? ', order or duplicates differ' : ''}`);
    }
  }
  for (const chain of saved.chains) if (!desired.chains.includes(chain)) diffs.push(`${table} chain ${chain} is stale`);
  for (const jump of desired.jumps) {
    const n = saved.jumps.get(jumpRule(jump)) ?? 0;
    if (n !== 1) diffs.push(`${table} jump ${jump.from} -> ${jump.to} present ${n} times`);
  }
  for (const [rule, n] of saved.jumps) {
    if (!desired.jumps.some((j) => jumpRule(j) === rule)) diffs.push(`${table} stale jump "${rule}" (${n}x)`);
  }
  return diffs;
}

export function compareRuleset(desired: Ruleset, saved: Readonly<Record<Table, SavedTable>>): string[] {
  return TABLES.flatMap((t) => compareTable(t, desired[t], saved[t]));
}

/**
 * The restore input that turns the saved state into the desired one, both tables: declare (create
 * or flush) every chain of ours, refill them, add each missing jump at the head of its built-in
 * chain, drop duplicate and stale jumps, then delete stale chains of ours (empty by now).
 */
export function restoreInput(desired: Ruleset, saved: Readonly<Record<Table, SavedTable>>): string {
  const out: string[] = [];
  for (const table of TABLES) {
    const want = desired[table];
    const have = saved[table];
    const stale = have.chains.filter((c) => !want.chains.includes(c));
    out.push(`*${table}`);
    for (const chain of [...want.chains, ...stale]) out.push(`:${chain} - [0:0]`);
    out.push(...want.rules);
    for (const jump of want.jumps) {
      const rule = jumpRule(jump);
      const n = have.jumps.get(rule) ?? 0;
      if (n === 0) out.push(`-I ${jump.from} 1 -j ${jump.to}`);
      for (let i = 1; i < n; i++) out.push(rule.replace(/^-A /, '-D '));
    }
    for (const [rule, n] of have.jumps) {
      if (want.jumps.some((j) => jumpRule(j) === rule)) continue;
      for (let i = 0; i < n; i++) out.push(rule.replace(/^-A /, '-D '));
    }
    for (const chain of stale) out.push(`-X ${chain}`);
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

/** The chain a `-A CHAIN ...` rule belongs to. */
export function ruleChain(rule: string): string {
  return rule.split(' ')[1] ?? '';
}
