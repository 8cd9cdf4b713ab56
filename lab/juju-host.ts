// The lab's router as a Juju host that is already bootstrapped (what an existing controller
// looks like), with services deployed on its machine 0 through the stand-in juju.
import { must } from './host-commands.ts';
import type { LabHost } from './lab.ts';

export interface JujuHostOptions {
  /** Deployed `--to 0`. */
  readonly services?: readonly string[];
  /** Deployed without units (subordinates). */
  readonly subordinates?: readonly string[];
}

export async function bootstrapJujuOn(router: LabHost, opts: JujuHostOptions = {}): Promise<void> {
  // Juju's manual provider logs in to its bootstrap host too: the router authorizes Juju's key,
  // which Juju makes at its first command (juju/utils ssh/clientkeys.go LoadClientKeys).
  await must(router, 'juju version >/dev/null && cat /root/.juju/ssh/juju_id_rsa.pub >> /root/.ssh/authorized_keys');
  await must(
    router,
    'mkdir -p /root/.juju && cat > /root/.juju/environments.yaml',
    ['default: lab', 'environments:', '  lab:', '    type: manual', `    bootstrap-host: ${router.ip}`, '    bootstrap-user: root', '    default-series: trusty', ''].join('\n'),
  );
  await must(router, 'juju bootstrap');
  for (const svc of opts.services ?? []) await must(router, `juju deploy --to 0 ${svc}`);
  for (const svc of opts.subordinates ?? []) await must(router, `juju deploy ${svc}`);
}

/** Juju's client key on the Juju host (~/.juju/ssh/juju_id_rsa.pub, made by its first juju command), `TYPE BLOB`. */
export async function jujuClientKey(jujuHost: LabHost): Promise<string> {
  return (await must(jujuHost, 'cat /root/.juju/ssh/juju_id_rsa.pub')).split(/\s+/).slice(0, 2).join(' ');
}

/** Where the stand-in as installed waits while a wrapper stands in front of it. */
const STANDIN_BEHIND_WRAPPER = '/usr/local/lib/juju-standin';

/**
 * Puts a wrapper in front of the router's `juju` that runs the stand-in with these environment
 * variables (JUJU_STANDIN_SETTLE_SECONDS, JUJU_STANDIN_FAIL, ...): the stand-in reads its switches
 * from the environment only, and sshd passes none of the client's. A second call replaces the
 * wrapper; jujuWithoutEnv takes it away.
 */
export async function jujuWithEnv(router: LabHost, env: Readonly<Record<string, string>>): Promise<void> {
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  await must(
    router,
    `[ -e ${STANDIN_BEHIND_WRAPPER} ] || cp /usr/local/bin/juju ${STANDIN_BEHIND_WRAPPER}; ` +
      `printf '#!/bin/sh\\n${vars} exec ${STANDIN_BEHIND_WRAPPER} "$@"\\n' > /usr/local/bin/juju.new && chmod 755 /usr/local/bin/juju.new && mv /usr/local/bin/juju.new /usr/local/bin/juju`,
  );
}

/** `juju` is the stand-in as installed again. */
export async function jujuWithoutEnv(router: LabHost): Promise<void> {
  await must(router, `[ ! -e ${STANDIN_BEHIND_WRAPPER} ] || mv ${STANDIN_BEHIND_WRAPPER} /usr/local/bin/juju`);
}
