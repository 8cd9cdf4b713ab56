// The report as the operator reads it (a table per section, a summary) and as a machine does (JSON).
import { describe, expect, it } from 'vitest';
import type { StatusCheck } from '../../src/status/check.ts';
import { statusJson, formatStatusJson } from '../../src/status/format-json.ts';
import { formatStatusTables } from '../../src/status/format-table.ts';
import type { StatusReport } from '../../src/status/status-report.ts';

const checks: StatusCheck[] = [
  { section: 'hosts', host: 'router', check: 'ssh (router, juju)', state: 'up', detail: 'root@198.51.100.2:22, answered in 40 ms' },
  { section: 'hosts', host: 'compute-2', check: 'ssh (compute)', state: 'unreachable', detail: 'connect ECONNREFUSED 198.51.100.12:22' },
  { section: 'ports', host: 'keystone', check: 'tcp 192.168.100.40:5000', state: 'up', detail: 'open (router :5000)' },
  { section: 'juju', host: 'router', check: 'juju status', state: 'up', detail: 'environment lab, 1 service(s), 1 unit(s), 1 machine(s)' },
  { section: 'juju', host: '192.168.100.40', check: 'unit keystone/0', state: 'down', detail: 'agent-state error, machine 1, hook failed: "install"' },
];
const report: StatusReport = { cluster: 'lab', controller: 'managed', up: false, checks, elapsedMs: 1234 };

describe('tables', () => {
  it('prints each section that has checks, in a fixed order, columns aligned, states not up in capitals', () => {
    expect(formatStatusTables(report)).toEqual([
      'Hosts (SSH)',
      'HOST       CHECK               STATE        DETAIL',
      'router     ssh (router, juju)  up           root@198.51.100.2:22, answered in 40 ms',
      'compute-2  ssh (compute)       UNREACHABLE  connect ECONNREFUSED 198.51.100.12:22',
      '',
      'Juju services and units',
      'HOST            CHECK            STATE  DETAIL',
      'router          juju status      up     environment lab, 1 service(s), 1 unit(s), 1 machine(s)',
      '192.168.100.40  unit keystone/0  DOWN   agent-state error, machine 1, hook failed: "install"',
      '',
      'Client ports (TCP connect from the router)',
      'HOST      CHECK                    STATE  DETAIL',
      'keystone  tcp 192.168.100.40:5000  up     open (router :5000)',
      '',
      'lab: 1 down, 1 unreachable of 5 checks (1.2 s)',
    ]);
  });

  it('ends with "everything up" when it is', () => {
    const up = checks.filter((c) => c.state === 'up');
    expect(formatStatusTables({ ...report, up: true, checks: up }).at(-1)).toBe('lab: everything up (3 checks, 1.2 s)');
  });
});

describe('JSON', () => {
  it('has the verdict and counts on top, then the sections with their checks', () => {
    const json = statusJson(report);
    expect(json).toEqual({
      cluster: 'lab',
      controller: 'managed',
      up: false,
      counts: { up: 3, down: 1, unreachable: 1 },
      elapsedMs: 1234,
      sections: [
        { name: 'hosts', title: 'Hosts (SSH)', checks: checks.slice(0, 2).map(({ section: _, ...c }) => c) },
        { name: 'juju', title: 'Juju services and units', checks: checks.slice(3).map(({ section: _, ...c }) => c) },
        { name: 'ports', title: 'Client ports (TCP connect from the router)', checks: [checks[2]!].map(({ section: _, ...c }) => c) },
      ],
    });
    expect(JSON.parse(formatStatusJson(report))).toEqual(json);
  });
});
