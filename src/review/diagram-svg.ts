// A cluster diagram as a standalone SVG with a hand-written layout (columns of areas, boxes
// stacked in them, curved links), for readers without a Mermaid renderer. No dependencies.
import type { ClusterDiagram, DiagramBox } from './cluster-diagram.ts';

const MARGIN = 24;
const TITLE_H = 36;
const GROUP_PAD = 12;
const GROUP_HEADER = 26;
const AREA_PAD = 14;
const BOX_W = 240;
const BOX_GAP = 12;
const LINE_H = 15;
const COLUMN_GAP = 200;
const AREA_GAP = 28;
const CHAR_W = 6.2;
/** Width of a bold 12px character, for wrapping area labels. */
const BOLD_CHAR_W = 7.4;
const LABEL_CHARS = 30;

const FILL: Readonly<Record<DiagramBox['role'], [string, string]>> = {
  clients: ['#fff7e6', '#d48806'],
  node: ['#e6f4ff', '#1677ff'],
  router: ['#f6ffed', '#389e0d'],
  vm: ['#f9f0ff', '#722ed1'],
  juju: ['#f6ffed', '#389e0d'],
  host: ['#f9f0ff', '#722ed1'],
  'security-group': ['#fff1f0', '#cf1322'],
};

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const boxHeight = (b: DiagramBox) => 26 + b.lines.length * LINE_H + 6;

export function renderSvg(d: ClusterDiagram): string {
  const areaW = BOX_W + 2 * AREA_PAD;
  const top = MARGIN + TITLE_H + GROUP_HEADER + GROUP_PAD;
  const columns = Math.max(1, ...d.areas.map((a) => a.column + 1));
  const columnY = new Array<number>(columns).fill(top);
  const rects = new Map<string, Rect>();
  const body: string[] = [];
  const areaShapes: string[] = [];

  for (const area of d.areas) {
    const x = MARGIN + area.column * (areaW + COLUMN_GAP);
    const y = columnY[area.column]!;
    const label = wrap(area.label, Math.floor((areaW - 2 * AREA_PAD) / BOLD_CHAR_W));
    let by = y + 14 + label.length * LINE_H;
    for (const b of area.boxes) {
      const r = { x: x + AREA_PAD, y: by, w: BOX_W, h: boxHeight(b) };
      rects.set(b.id, r);
      body.push(boxSvg(b, r));
      by += r.h + BOX_GAP;
    }
    if (area.boxes.length === 0) {
      body.push(`<text x="${x + AREA_PAD}" y="${by + 14}" font-size="11" fill="#8c8c8c">(none)</text>`);
      by += 24;
    }
    const h = by - y + AREA_PAD - BOX_GAP;
    const r = { x, y, w: areaW, h };
    rects.set(area.id, r);
    areaShapes.push(
      `<rect x="${x}" y="${y}" width="${areaW}" height="${h}" rx="8" fill="#fafafa" stroke="#8c8c8c" stroke-dasharray="5 3"/>`,
      textLines(x + AREA_PAD, y + 19, label, 12, 'bold', '#262626'),
    );
    columnY[area.column] = y + h + AREA_GAP;
  }

  const groupShapes = d.groups.flatMap((g) => {
    const members = d.areas.filter((a) => a.group === g.id).map((a) => rects.get(a.id)!);
    if (members.length === 0) return [];
    const x = Math.min(...members.map((r) => r.x)) - GROUP_PAD;
    const y = Math.min(...members.map((r) => r.y)) - GROUP_PAD - GROUP_HEADER;
    const w = Math.max(...members.map((r) => r.x + r.w)) + GROUP_PAD - x;
    const h = Math.max(...members.map((r) => r.y + r.h)) + GROUP_PAD - y;
    return [
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="12" fill="#f0f5ff" stroke="#2f54eb" stroke-width="1.5"/>`,
      `<text x="${x + GROUP_PAD}" y="${y + 19}" font-size="13" font-weight="bold" fill="#1d39c4">${xml(g.label)}</text>`,
    ];
  });

  const links = d.links.flatMap((l) => {
    const from = rects.get(l.from);
    const to = rects.get(l.to);
    return from && to ? [linkSvg(from, to, l.label, l.dashed ?? false)] : [];
  });

  const width = MARGIN * 2 + columns * areaW + (columns - 1) * COLUMN_GAP;
  const height = Math.max(...columnY) - AREA_GAP + GROUP_PAD + MARGIN;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${xml(d.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#595959"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 16}" font-size="16" font-weight="bold" fill="#262626">${xml(d.title)}</text>`,
    ...groupShapes,
    ...areaShapes,
    ...body,
    ...links,
    '</svg>',
    '',
  ].join('\n');
}

function boxSvg(b: DiagramBox, r: Rect): string {
  const [fill, stroke] = FILL[b.role];
  const width = b.role === 'router' || b.role === 'juju' ? 2 : 1;
  return [
    `<g id="${xml(b.id)}">`,
    `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="${b.role === 'clients' ? 16 : 5}" fill="${fill}" stroke="${stroke}" stroke-width="${width}"/>`,
    `<text x="${r.x + 10}" y="${r.y + 18}" font-size="13" font-weight="bold" fill="#262626">${xml(b.title)}</text>`,
    textLines(r.x + 10, r.y + 18 + LINE_H, b.lines, 11, 'normal', '#434343'),
    '</g>',
  ].join('\n');
}

function textLines(x: number, y: number, lines: readonly string[], size: number, weight: string, fill: string): string {
  return lines
    .map((line, i) => `<text x="${x}" y="${y + i * LINE_H}" font-size="${size}" font-weight="${weight}" fill="${fill}">${xml(line)}</text>`)
    .join('\n');
}

/** A curve from the side of one rectangle facing the other; the label sits on the curve near its end. */
function linkSvg(a: Rect, b: Rect, label: string | undefined, dashed: boolean): string {
  let start: [number, number];
  let end: [number, number];
  let bend: number;
  if (b.x > a.x + a.w) {
    start = [a.x + a.w, a.y + a.h / 2];
    end = [b.x, b.y + b.h / 2];
    bend = Math.max(40, (end[0] - start[0]) / 2);
  } else if (b.x + b.w < a.x) {
    start = [a.x, a.y + a.h / 2];
    end = [b.x + b.w, b.y + b.h / 2];
    bend = -Math.max(40, (start[0] - end[0]) / 2);
  } else {
    // Same column: out of the right side and back in.
    start = [a.x + a.w, a.y + a.h / 2];
    end = [b.x + b.w, b.y + b.h / 2];
    bend = 60;
  }
  const c1: [number, number] = [start[0] + bend, start[1]];
  const c2: [number, number] = b.x > a.x + a.w || b.x + b.w < a.x ? [end[0] - bend, end[1]] : [end[0] + bend, end[1]];
  const path = `M ${n(start[0])} ${n(start[1])} C ${n(c1[0])} ${n(c1[1])}, ${n(c2[0])} ${n(c2[1])}, ${n(end[0])} ${n(end[1])}`;
  const out = [`<path d="${path}" fill="none" stroke="#595959" stroke-width="1.2"${dashed ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#arrow)"/>`];
  if (label) {
    // Half way, between the columns, where no box is; long labels wrap to stay in the gap.
    const [lx, ly] = bezier(0.5, start, c1, c2, end);
    const lines = wrap(label, LABEL_CHARS, 6);
    const w = Math.max(...lines.map((l) => l.length)) * CHAR_W + 8;
    const h = lines.length * 13 + 4;
    out.push(
      `<rect x="${n(lx - w / 2)}" y="${n(ly - h / 2)}" width="${n(w)}" height="${h}" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="#d9d9d9"/>`,
      ...lines.map((l, i) => `<text x="${n(lx)}" y="${n(ly - h / 2 + 12 + i * 13)}" font-size="10" text-anchor="middle" fill="#262626">${xml(l)}</text>`),
    );
  }
  return out.join('\n');
}

function bezier(t: number, p0: [number, number], p1: [number, number], p2: [number, number], p3: [number, number]): [number, number] {
  const u = 1 - t;
  const at = (i: 0 | 1) => u * u * u * p0[i] + 3 * u * u * t * p1[i] + 3 * u * t * t * p2[i] + t * t * t * p3[i];
  return [at(0), at(1)];
}

/** Splits a long label over lines of at most `max` characters, at spaces. */
function wrap(s: string, max: number, maxLines = 2): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (line && (line + ' ' + word).length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].slice(0, maxLines);
}

const n = (v: number) => Math.round(v * 10) / 10;

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
