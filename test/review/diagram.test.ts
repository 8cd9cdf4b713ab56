import { describe, expect, it } from 'vitest';
import { clusterModel } from '../../src/commands/cluster-argument.ts';
import { CliError } from '../../src/cli-error.ts';
import { SERVICE_VM_NAMES, PORT_FORWARDS } from '../../src/inventory/reference.ts';
import { clusterDiagram } from '../../src/review/cluster-diagram.ts';
import { renderMermaid } from '../../src/review/diagram-mermaid.ts';
import { renderSvg } from '../../src/review/diagram-svg.ts';
import { wellFormedXml } from './well-formed-xml.ts';

const example = clusterModel('example');
const installCloud = clusterModel('inventory/install-cloud.yaml');

describe.each([
  ['mermaid', renderMermaid],
  ['svg', renderSvg],
] as const)('%s diagram', (_format, render) => {
  it('shows every service VM with its address, every compute node, the client networks and forwarded ports of the example', () => {
    const out = render(clusterDiagram(example));
    if (example.controller.kind !== 'managed') throw new Error('example is managed');
    for (const vm of example.controller.serviceVms) {
      expect(out).toContain(vm.isRouter ? `${vm.name} (router)` : vm.name);
      expect(out).toContain(vm.ip);
    }
    expect(example.controller.serviceVms.map((vm) => vm.name)).toEqual([...SERVICE_VM_NAMES]);
    for (const node of example.computeNodes) expect(out).toContain(node.name), expect(out).toContain(node.publicIp);
    expect(out).toContain('203.0.113.0/24');
    expect(out).toContain('Management network');
    expect(out).toContain('192.168.100.0/24');
    for (const f of PORT_FORWARDS) expect(out).toContain(`public :${f.port} → :${f.vmPort}`);
  });

  it('shows the Install Cloud with its hosts, both security groups and the nodes', () => {
    const out = render(clusterDiagram(installCloud));
    if (installCloud.controller.kind !== 'existing') throw new Error('install-cloud is existing');
    for (const h of installCloud.controller.hosts) for (const name of [h.ip, ...h.names]) expect(out).toContain(name);
    expect(out).toContain('juju-amazon-6');
    expect(out).toContain('juju-amazon-3');
    expect(out).toContain('node-1');
    expect(out).toContain('198.51.100.31');
  });
});

describe('svg', () => {
  it('is a well-formed standalone SVG document', () => {
    for (const model of [example, installCloud]) {
      const svg = renderSvg(clusterDiagram(model));
      expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(wellFormedXml(svg)).toEqual([]);
    }
  });

  it('escapes text', () => {
    const svg = renderSvg({ title: 'a <b> & "c"', groups: [], areas: [{ id: 'x', label: '<x>', column: 0, boxes: [] }], links: [] });
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(wellFormedXml(svg)).toEqual([]);
  });
});

describe('mermaid', () => {
  it('is a left-to-right flowchart with the controller around the router and the management network', () => {
    const out = renderMermaid(clusterDiagram(example)).split('\n');
    expect(out[1]).toBe('flowchart LR');
    const controller = out.indexOf('  subgraph oc_controller["Controller (VPC 192.168.0.0/16, us-east-1)"]');
    expect(controller).toBeGreaterThan(0);
    expect(out[controller + 1]).toMatch(/^ {4}subgraph oc_routing\[/);
    expect(out).toContain('  oc_vm_juju -->|"35357 → 35357, 5000 → 5000"| oc_vm_keystone');
    // Every line that defines a node, subgraph or link uses ids Mermaid cannot misread.
    for (const line of out.filter((l) => /-->|-\.->/.test(l))) expect(line).toMatch(/^ {2}oc_[A-Za-z0-9_]+ -\.?->/);
  });
});

describe('clusterModel', () => {
  it('finds a cluster by name, by file name or by path, and names the known ones otherwise', () => {
    expect(clusterModel('install-cloud').name).toBe('install-cloud');
    expect(() => clusterModel('nope')).toThrow(CliError);
    expect(() => clusterModel('nope')).toThrow('known: example, install-cloud');
  });
});
