// `hosts`: the controller's names in /etc/hosts on every compute node (the guide's step 2), as a
// block between `# BEGIN opencloud <cluster>` and `# END opencloud <cluster>`. Only that block is
// ever replaced; every other line stays as it was. The file is replaced atomically.
import { controllerHostsBlock } from '../../remote/cluster-hosts.ts';
import type { Step } from '../step.ts';

export const HOSTS_FILE = '/etc/hosts';

export const beginMarker = (cluster: string) => `# BEGIN opencloud ${cluster}`;
export const endMarker = (cluster: string) => `# END opencloud ${cluster}`;

/** The block's lines, markers included: one `IP name...` line per entry. */
export function renderHostsBlock(cluster: string, entries: readonly { ip: string; names: readonly string[] }[]): string[] {
  return [beginMarker(cluster), ...entries.map((e) => `${e.ip} ${e.names.join(' ')}`), endMarker(cluster)];
}

export class HostsFileError extends Error {
  override name = 'HostsFileError';
}

/**
 * The file with this cluster's block replaced (or appended when there is none). Lines outside the
 * block, and a missing final newline, are kept. A BEGIN without END is refused: the file was edited
 * by hand and guessing where the block ends could delete the operator's lines.
 */
export function replaceHostsBlock(text: string | null, cluster: string, block: readonly string[]): string {
  const content = text ?? '';
  const lines = content === '' ? [] : content.split('\n');
  // A final newline shows up as one empty last element; keep it out of the line list.
  const endsWithNewline = content.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const begin = beginMarker(cluster);
  const end = endMarker(cluster);
  const out: string[] = [];
  let placed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === begin) {
      // Stryker disable next-line EqualityOperator: line i is the BEGIN marker, never the END one.
      const close = lines.findIndex((l, j) => j > i && l.trim() === end);
      // Stryker disable next-line EqualityOperator: a found END comes after line i, so close is never 0.
      if (close < 0) throw new HostsFileError(`${HOSTS_FILE} has "${begin}" on line ${i + 1} but no "${end}" after it; fix the file by hand`);
      if (!placed) out.push(...block); // a duplicate block later in the file is dropped
      placed = true;
      i = close;
      continue;
    }
    if (line.trim() === end) throw new HostsFileError(`${HOSTS_FILE} has "${end}" on line ${i + 1} without "${begin}" before it; fix the file by hand`);
    out.push(line);
  }
  if (!placed) out.push(...block);
  return out.join('\n') + (endsWithNewline || !placed ? '\n' : '');
}

interface HostsPlan {
  readonly before: string | null;
  readonly content: string;
}

// Stryker disable all: check and apply run against real hosts in the lab, which mutation testing
// leaves out; the pure transform above is what `npm run mutate` covers.
export const hostsStep: Step<HostsPlan> = {
  id: 'hosts',
  title: `controller names in ${HOSTS_FILE}`,
  hosts: 'compute',
  retrySafe: true, // an atomic rewrite of a computed file: repeating it is harmless
  async check(ctx) {
    const cluster = ctx.cluster.model.name;
    const entries = controllerHostsBlock(ctx.cluster);
    const current = await ctx.host.readFile(HOSTS_FILE, { sudo: false });
    const wanted = replaceHostsBlock(current, cluster, renderHostsBlock(cluster, entries));
    if (current === wanted) return { needed: false, description: `${entries.length} entries up to date` };
    const had = current?.split('\n').some((l) => l.trim() === beginMarker(cluster));
    return {
      needed: true,
      description: `${had ? 'update' : 'add'} the ${cluster} block of ${HOSTS_FILE} (${entries.length} entries)`,
      plan: { before: current, content: wanted },
    };
  },
  async apply(ctx, plan) {
    // Read again right before writing, so a line another tool added since check is kept.
    const cluster = ctx.cluster.model.name;
    const current = await ctx.host.readFile(HOSTS_FILE, { sudo: false });
    const content = current === plan.before ? plan.content : replaceHostsBlock(current, cluster, renderHostsBlock(cluster, controllerHostsBlock(ctx.cluster)));
    await ctx.host.writeFile(HOSTS_FILE, content, { mode: 0o644, owner: 'root:root' });
  },
};
