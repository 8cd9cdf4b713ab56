// `juju status --format=json` as Juju 1.25 prints it (compact, Go field order): the manual
// provider's state server as machine 0, a controller service, nova-compute with subordinates on
// two compute nodes (one pending), an LXC container and a unit in error.
export const STATUS_1_25 = JSON.stringify({
  environment: 'lab',
  machines: {
    '0': {
      'agent-state': 'started',
      'agent-version': '1.25.6',
      'dns-name': '198.51.100.2',
      'instance-id': 'manual:',
      series: 'trusty',
      hardware: 'arch=amd64 cpu-cores=2 mem=7983M',
      containers: {
        '0/lxc/0': { 'agent-state': 'pending', 'dns-name': '10.0.3.12', 'instance-id': 'juju-machine-0-lxc-0', series: 'trusty' },
      },
      'state-server-member-status': 'has-vote',
    },
    '1': { 'agent-state': 'started', 'agent-version': '1.25.6', 'dns-name': '198.51.100.11', 'instance-id': 'manual:198.51.100.11', series: 'trusty' },
    '2': { 'agent-state': 'pending', 'instance-id': 'manual:198.51.100.12', series: 'trusty' },
  },
  services: {
    mysql: {
      charm: 'cs:trusty/mysql-38',
      exposed: false,
      'service-status': { current: 'unknown', since: '25 Nov 2026 15:04:05Z' },
      relations: { 'shared-db': ['nova-compute'] },
      units: {
        'mysql/0': {
          'workload-status': { current: 'unknown', since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'idle', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'started',
          'agent-version': '1.25.6',
          machine: '0',
          'public-address': '198.51.100.2',
        },
      },
    },
    'nova-compute': {
      charm: 'cs:trusty/nova-compute-14',
      exposed: false,
      'service-status': { current: 'error', message: 'hook failed: "install"', since: '25 Nov 2026 15:04:05Z' },
      relations: { 'nrpe-external-master': ['nrpe'], 'shared-db': ['mysql'] },
      units: {
        'nova-compute/10': {
          'workload-status': { current: 'error', message: 'hook failed: "install"', since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'idle', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'error',
          'agent-state-info': 'hook failed: "install"',
          'agent-version': '1.25.6',
          machine: '2',
        },
        'nova-compute/2': {
          'workload-status': { current: 'unknown', since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'idle', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'started',
          'agent-version': '1.25.6',
          machine: '1',
          'public-address': '198.51.100.11',
          subordinates: {
            'nrpe/0': { 'workload-status': { current: 'maintenance', message: 'waiting for machine', since: '25 Nov 2026 15:04:05Z' }, 'agent-state': 'pending', 'public-address': '198.51.100.11' },
          },
        },
      },
    },
    nrpe: {
      charm: 'cs:trusty/nrpe-4',
      exposed: false,
      'service-status': {},
      relations: { 'nrpe-external-master': ['nova-compute'] },
      'subordinate-to': ['nova-compute'],
    },
  },
});

/** A freshly bootstrapped environment: Go writes the empty services map as null. */
export const STATUS_EMPTY = '{"environment":"lab","machines":{"0":{"agent-state":"started","dns-name":"198.51.100.2","instance-id":"manual:","series":"trusty"}},"services":null}\n';

/**
 * `juju get nova-compute` as Juju 1.25 prints it: YAML only (cmd/juju/service/get.go:60 at
 * juju-1.25.9 registers no other formatter), goyaml's sorted keys; each setting as
 * apiserver/client/get.go:43-60 describes it: the value set, or `default: true` with the
 * charm's default value (none when the charm has no default). Strings that would read back as
 * something else are double-quoted, booleans and numbers are bare.
 */
export const GET_NOVA_COMPUTE_1_25 = [
  'charm: nova-compute',
  'service: nova-compute',
  'settings:',
  '  config-flags:',
  '    description: Comma-separated list of key=value config flags.',
  '    type: string',
  '    value: firewall_driver=nova.virt.firewall.NoopFirewallDriver',
  '  debug:',
  '    default: true',
  '    description: Enable debug logging',
  '    type: boolean',
  '    value: false',
  '  instance-mtu:',
  '    type: int',
  '    value: 1400',
  '  migration-auth-type:',
  '    default: true',
  '    description: TCP authentication scheme for libvirt live migration.',
  '    type: string',
  '  use-https:',
  '    description: "Use SSL: yes or no"',
  '    type: string',
  '    value: "yes"',
  '  virt-type:',
  '    default: true',
  '    description: Virtualisation flavor.',
  '    type: string',
  '    value: kvm',
  '',
].join('\n');

/** What 1.25 prints for `juju get SERVICE --format=json`: a usage error, exit 2 (juju/cmd output.go formatterValue.Set). */
export const GET_JSON_REFUSED_1_25 = 'error: invalid value "json" for flag --format: unknown format "json"\n';

/**
 * `juju status --format=json` of Juju 1.25 when things have gone wrong, field names and shapes as
 * its formatter writes them (cmd/juju/status/formatted.go, formatter.go at juju-1.25.9):
 * - machine 1 is down: a 1.25 server keeps the agent's status (`started`) and the 1.25 client
 *   prints it as agent-state with the status in parentheses as agent-state-info
 *   (formatter.go:86-89, adjustInfoIfMachineAgentDown :300-310; apiserver/client/status.go:795-833);
 * - machine 2 is down as Juju before 1.21 printed it (`agent-state: down`, formatter.go:68-81);
 * - keystone/0's agent is lost: agent-state stays `started` (apiserver/client/status.go:745-770
 *   computes it before processUnitLost, :870-892, marks the agent lost);
 * - glance's status could not be read: `{"status-error": ...}` alone, no charm (formatted.go:84-90);
 * - ceilometer-agent, a subordinate nothing has related yet: no units, no subordinate-to.
 */
export const STATUS_1_25_TROUBLE = JSON.stringify({
  environment: 'lab',
  machines: {
    '0': { 'agent-state': 'started', 'agent-version': '1.25.6', 'dns-name': '198.51.100.2', 'instance-id': 'manual:', series: 'trusty' },
    '1': { 'agent-state': 'started', 'agent-state-info': '(started)', 'agent-version': '1.25.6', 'dns-name': '198.51.100.11', 'instance-id': 'manual:198.51.100.11', series: 'trusty' },
    '2': { 'agent-state': 'down', 'agent-state-info': '(started)', 'dns-name': '198.51.100.12', 'instance-id': 'manual:198.51.100.12', series: 'trusty' },
  },
  services: {
    keystone: {
      charm: 'cs:trusty/keystone-6',
      exposed: false,
      'service-status': { current: 'unknown', message: "agent is lost, sorry! See 'juju status-history keystone/0'", since: '25 Nov 2026 15:04:05Z' },
      units: {
        'keystone/0': {
          'workload-status': { current: 'unknown', message: "agent is lost, sorry! See 'juju status-history keystone/0'", since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'lost', message: 'agent is not communicating with the server', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'started',
          'agent-version': '1.25.6',
          machine: '0',
          'public-address': '198.51.100.2',
        },
      },
    },
    glance: { 'status-error': 'constraints not found' },
    'nova-compute': {
      charm: 'cs:trusty/nova-compute-14',
      exposed: false,
      units: {
        'nova-compute/0': {
          'workload-status': { current: 'unknown', since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'idle', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'started',
          machine: '1',
          'public-address': '198.51.100.11',
          subordinates: {
            'ntp/0': { 'workload-status': { current: 'unknown' }, 'agent-status': { current: 'idle' }, 'agent-state': 'started', 'public-address': '198.51.100.11' },
          },
        },
        'nova-compute/1': {
          'workload-status': { current: 'unknown', since: '25 Nov 2026 15:04:05Z' },
          'agent-status': { current: 'idle', since: '25 Nov 2026 15:04:05Z', version: '1.25.6' },
          'agent-state': 'started',
          machine: '2',
          'public-address': '198.51.100.12',
        },
      },
    },
    ntp: { charm: 'cs:trusty/ntp-9', exposed: false, relations: { 'juju-info': ['nova-compute'] }, 'subordinate-to': ['nova-compute'] },
    'ceilometer-agent': { charm: 'cs:trusty/ceilometer-agent-5', exposed: false, 'service-status': {} },
  },
});
