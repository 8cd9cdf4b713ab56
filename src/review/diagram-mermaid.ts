// A cluster diagram as a Mermaid flowchart, which GitHub renders in pull requests and READMEs.
import type { ClusterDiagram, DiagramArea, DiagramBox } from './cluster-diagram.ts';

export function renderMermaid(d: ClusterDiagram): string {
  const out = [`%% ${d.title}`, 'flowchart LR'];
  const area = (a: DiagramArea, indent: string) => {
    out.push(`${indent}subgraph ${mid(a.id)}["${text(a.label)}"]`, `${indent}  direction TB`);
    for (const b of a.boxes) out.push(`${indent}  ${box(b)}`);
    out.push(`${indent}end`);
  };
  const grouped = new Set(d.groups.map((g) => g.id));
  for (const a of d.areas.filter((x) => !x.group || !grouped.has(x.group))) area(a, '  ');
  for (const g of d.groups) {
    out.push(`  subgraph ${mid(g.id)}["${text(g.label)}"]`);
    for (const a of d.areas.filter((x) => x.group === g.id)) area(a, '    ');
    out.push('  end');
  }
  for (const l of d.links) {
    const arrow = l.dashed ? '-.->' : '-->';
    out.push(`  ${mid(l.from)} ${arrow}${l.label ? `|"${text(l.label)}"|` : ''} ${mid(l.to)}`);
  }
  out.push(...styles(d));
  return out.join('\n');
}

function box(b: DiagramBox): string {
  const label = [`<b>${text(b.title)}</b>`, ...b.lines.map(text)].join('<br/>');
  const [open, close] = b.role === 'clients' ? ['([', '])'] : b.role === 'security-group' ? ['[/', '/]'] : ['[', ']'];
  return `${mid(b.id)}${open}"${label}"${close}`;
}

const CLASSES: Readonly<Record<DiagramBox['role'], string>> = {
  clients: 'fill:#fff7e6,stroke:#d48806',
  node: 'fill:#e6f4ff,stroke:#1677ff',
  router: 'fill:#f6ffed,stroke:#389e0d,stroke-width:2px',
  vm: 'fill:#f9f0ff,stroke:#722ed1',
  juju: 'fill:#f6ffed,stroke:#389e0d,stroke-width:2px',
  host: 'fill:#f9f0ff,stroke:#722ed1',
  'security-group': 'fill:#fff1f0,stroke:#cf1322',
};

function styles(d: ClusterDiagram): string[] {
  const out: string[] = [];
  for (const [role, style] of Object.entries(CLASSES)) {
    const ids = d.areas.flatMap((a) => a.boxes).filter((b) => b.role === role).map((b) => mid(b.id));
    if (ids.length === 0) continue;
    const cls = `oc_${role.replace(/-/g, '_')}`;
    out.push(`  classDef ${cls} ${style}`, `  class ${ids.join(',')} ${cls}`);
  }
  return out;
}

/** An id Mermaid cannot misread as an edge or a keyword: letters, digits and `_`, prefixed. */
const mid = (id: string) => `oc_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** Text safe inside a quoted Mermaid label: quotes and markup become entities. */
function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '#quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
