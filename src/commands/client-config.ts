// `opencloud client-config <cluster> [--outputs FILE] [--apply] [--out-dir DIR]`: what a remote
// OpenStack client needs (the guide's "Remote OpenStack clients"): the CA that signs the endpoints,
// fetched from the nova-cloud-controller VM through the router, into `<cluster>-ca.pem`; the
// keystone admin password, read with `juju run` on the Juju host, into `admin-openrc.sh` (0600,
// never printed); and the DNAT rules that send the client's traffic for each forwarded endpoint
// (service VM address and port) to the router's public address and port, printed, and put in place
// here with --apply.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { JujuClient } from '../remote/juju/client.ts';
import { jujuHost } from '../remote/juju/juju-host.ts';
import { Redactor } from '../remote/redact.ts';
import { applyClientDnat, clientDnatCommands, type ClientForward } from '../client/dnat-rule.ts';
import { resolveCluster } from '../remote/cluster-hosts.ts';
import { serviceVmAddress } from '../remote/router/controller-addresses.ts';
import { writeLocalFile } from '../client/local-file.ts';
import { renderOpenrc } from '../client/openrc.ts';
import { openReadOnlySessions } from '../remote/read-only-sessions.ts';
import { KEYSTONE_CA_PATH, KEYSTONE_PASSWORD_PATH } from '../inventory/reference.ts';
import { clusterModel, clusterOutputs } from './cluster-argument.ts';
import { CliError } from '../cli-error.ts';
import { interruptionOf, stopOnSignal } from './stop-on-signal.ts';

export const OPENRC_FILE = 'admin-openrc.sh';
export const caFileName = (cluster: string) => `${cluster}-ca.pem`;

/** VM whose CA the guide copies (every charm's endpoints are signed by keystone's Juju CA). */
const CA_VM = 'nova-cloud-controller';
const KEYSTONE_UNIT = 'keystone/0';

// `juju run` runs as root on the unit (Juju 1.x); sudo only where it does not (as the guide wrote).
const READ_AS_ROOT = 'if [ "$(id -u)" -eq 0 ]; then exec cat -- "$1"; else exec sudo -n cat -- "$1"; fi';

interface ClientConfigOptions {
  outputs?: string;
  apply?: boolean;
  outDir: string;
  verbose?: boolean;
}

export function registerClientConfig(program: Command, out: (line: string) => void): void {
  program
    .command('client-config')
    .description("files and the DNAT rule for a remote OpenStack client of a managed controller (CA, admin-openrc.sh)")
    .argument('<cluster>', 'cluster name (the `name` of an inventory/*.yaml) or an inventory file')
    .option('--outputs <file>', 'stack outputs from `cdktf deploy --outputs-file FILE`')
    .option('--apply', "put the DNAT rules in this machine's iptables (as root; replaces this cluster's earlier ones)")
    .option('--out-dir <dir>', 'where to write the CA file and admin-openrc.sh', '.')
    .option('--verbose', 'print every remote command (secrets redacted)')
    .action(async (clusterArg: string, opts: ClientConfigOptions, cmd: Command) => {
      const model = clusterModel(clusterArg);
      if (model.controller.kind !== 'managed') {
        cmd.error(`opencloud client-config: cluster ${model.name} has an existing controller; this command is for managed ones`, { exitCode: 2, code: 'opencloud.notManaged' });
        return;
      }
      const c = model.controller;
      const outputs = clusterOutputs(model, opts.outputs)!;
      const redactor = new Redactor();
      const { ca, password } = await stopOnSignal(async (signal) => {
        const sessions = openReadOnlySessions({
          model,
          outputs,
          redactor,
          purpose: 'client-config',
          signal,
          ...(opts.verbose ? { onCommand: (l: string) => out(l) } : {}),
        });
        try {
          const ncc = await sessions.session(CA_VM);
          const ca = await ncc.readFile(KEYSTONE_CA_PATH);
          if (ca === null) throw new Error(`${CA_VM} (${ncc.host.address}) has no ${KEYSTONE_CA_PATH} yet: has bootstrap deployed keystone and nova-cloud-controller?`);
          const juju = new JujuClient(await sessions.session(jujuHost(sessions.cluster).name));
          const raw = await juju.run({ unit: KEYSTONE_UNIT }, ['sh', '-c', READ_AS_ROOT, 'sh', KEYSTONE_PASSWORD_PATH], { readOnly: true });
          const password = raw.replace(/\r?\n$/, '');
          if (password === '' || /[\r\n]/.test(password)) throw new Error(`${KEYSTONE_UNIT}: ${KEYSTONE_PASSWORD_PATH} does not hold one password line`);
          redactor.add(password);
          // Stopped while the last read finished: still a stop, and nothing is written.
          if (signal.aborted) throw signal.reason;
          return { ca, password };
        } catch (err) {
          const stopped = interruptionOf(signal);
          if (stopped) throw new CliError(`client-config ${stopped.message}: nothing written`, stopped.exitCode);
          throw err;
        } finally {
          sessions.close();
        }
      });

      const dir = resolve(opts.outDir);
      mkdirSync(dir, { recursive: true });
      const caFile = resolve(dir, caFileName(model.name));
      const keystoneIp = outputs.service_vm_ips.keystone ?? c.serviceVms.find((v) => v.name === 'keystone')!.ip;
      writeLocalFile(caFile, ca, 0o644);
      writeLocalFile(resolve(dir, OPENRC_FILE), renderOpenrc({ cluster: model.name, keystoneIp, password, caFile }), 0o600);
      out(`wrote ${caFile} (CA of the cluster's SSL endpoints, from ${CA_VM}:${KEYSTONE_CA_PATH})`);
      out(`wrote ${resolve(dir, OPENRC_FILE)} (mode 0600; admin password of ${KEYSTONE_UNIT})`);

      // Keystone advertises each service at its VM's management address and port: one rule each.
      const cluster = resolveCluster(model, outputs);
      const forwards: ClientForward[] = c.forwards.map((f) => ({ vmIp: serviceVmAddress(cluster, f.vm), vmPort: f.vmPort, port: f.port }));
      out('');
      out(`The endpoints are on ${c.managementCidr}; reach the forwarded ones through the router ${outputs.router_public_ip} with:`);
      for (const line of clientDnatCommands(model.name, forwards, outputs.router_public_ip)) out(`  ${line}`);
      if (opts.apply) {
        const { changed, shadowedBy } = await applyClientDnat({ cluster: model.name, forwards, routerPublicIp: outputs.router_public_ip, managementCidr: c.managementCidr });
        out(changed ? "put those rules on this machine (in place of this cluster's earlier ones)" : 'those rules are already on this machine');
        for (const other of shadowedBy) {
          out(`note: cluster ${other}'s client-config rules on this machine catch some of the same addresses and ports first (same management network); delete them to reach ${model.name}`);
        }
      }
    });
}
