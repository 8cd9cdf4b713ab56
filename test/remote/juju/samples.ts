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
