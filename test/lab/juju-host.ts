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
  // Juju's manual provider logs in to its bootstrap host too: the router authorizes its own key.
  await must(router, 'cat >> /root/.ssh/authorized_keys', `${router.clientKeyLine}\n`);
  await must(
    router,
    'mkdir -p /root/.juju && cat > /root/.juju/environments.yaml',
    ['default: lab', 'environments:', '  lab:', '    type: manual', `    bootstrap-host: ${router.ip}`, '    bootstrap-user: root', '    default-series: trusty', ''].join('\n'),
  );
  await must(router, 'juju bootstrap');
  for (const svc of opts.services ?? []) await must(router, `juju deploy --to 0 ${svc}`);
  for (const svc of opts.subordinates ?? []) await must(router, `juju deploy ${svc}`);
}
