// The Juju host checks the node it enrolls (issue 15, item 3), on real SSH hosts: the lab's router
// is the Juju host (Juju stand-in) and sees, at compute-1's address, an impostor sshd of its own
// (a NAT rule on the router, as a hijacked route or address would). The operator's own connection
// reaches the real compute-1, so only the Juju host's check can tell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMachineByAddress } from '../../../src/remote/juju/status.ts';
import { skipLabTests, startLab, type Lab, type LabHost } from '../../../lab/lab.ts';
import { must } from '../../../lab/host-commands.ts';
import { prepareComputeLab, resultOf, unitsWith, type ComputeLab } from '../../../lab/compute-lab.ts';

const IMPOSTOR = '127.0.0.1:2222';

/**
 * An sshd on the Juju host that lets in every key the Juju host holds (the worst case: an impostor
 * that accepts anyone), answering for `victim`'s address on port 22 as the Juju host sees it.
 */
async function startImpostor(jujuHost: LabHost, victim: LabHost): Promise<void> {
  await must(jujuHost, "mkdir -p /tmp/impostor && ssh-keygen -q -t ed25519 -N '' -f /tmp/impostor/host_key");
  await must(jujuHost, 'cat /root/.ssh/*.pub /root/.juju/ssh/*.pub 2>/dev/null > /tmp/impostor/authorized_keys || true');
  await must(
    jujuHost,
    'cat > /tmp/impostor/sshd_config',
    [
      `ListenAddress ${IMPOSTOR}`,
      'HostKey /tmp/impostor/host_key',
      'PidFile /tmp/impostor/sshd.pid',
      'PermitRootLogin prohibit-password',
      'AuthorizedKeysFile /tmp/impostor/authorized_keys',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256',
      '',
    ].join('\n'),
  );
  await must(jujuHost, '/usr/sbin/sshd -f /tmp/impostor/sshd_config -E /tmp/impostor/log');
  await must(jujuHost, `iptables -t nat -A OUTPUT -p tcp -d ${victim.ip} --dport 22 -j DNAT --to-destination ${IMPOSTOR}`);
}

async function stopImpostor(jujuHost: LabHost, victim: LabHost): Promise<void> {
  await must(jujuHost, `iptables -t nat -D OUTPUT -p tcp -d ${victim.ip} --dport 22 -j DNAT --to-destination ${IMPOSTOR}`);
  await must(jujuHost, 'kill "$(cat /tmp/impostor/sshd.pid)"');
}

describe.skipIf(skipLabTests())('the Juju host enrolls only the node this run verified (lab)', () => {
  let lab: Lab;
  let c: ComputeLab;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 2, serviceVms: false, clients: false });
    c = await prepareComputeLab(lab);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('an impostor key at a node\'s address, as the Juju host sees it, is refused and nothing is enrolled', async () => {
    const [node1, node2] = lab.computeNodes as [LabHost, LabHost];
    await startImpostor(lab.router, node1);
    // The scene is what it claims: from the Juju host, node1's address answers with the impostor's key.
    const seen = await must(lab.router, `ssh-keyscan -t ed25519 ${node1.ip} 2>/dev/null`);
    expect(seen).not.toContain(node1.hostKeyLine.split(' ')[1]);
    expect(seen).toContain((await must(lab.router, 'cat /tmp/impostor/host_key.pub')).split(' ')[1]);

    const run = await c.run(c.inventory([node1, node2]));
    expect(unitsWith(run, 'failed'), run.lines.join('\n')).toEqual(['juju-machine@compute-1']);
    expect(resultOf(run, 'juju-machine', 'compute-1')?.message).toMatch(/Juju host refused the host key at 198\.51\.100\.11.*not the node this run verified/);
    expect(unitsWith(run, 'skipped').sort()).toEqual(['compute-config@compute-1', 'nova-compute@compute-1']);
    // The impostor was never enrolled; the other node joined as usual.
    const status = await c.status();
    expect(findMachineByAddress(status, node1.ip)).toBeUndefined();
    expect(findMachineByAddress(status, node2.ip)).toBeDefined();
    // What the Juju host trusts for each node is the key the operator's run verified.
    const knownHosts = await must(lab.router, 'cat /root/.ssh/known_hosts');
    expect(knownHosts).toContain(`${node1.ip} ${node1.hostKeyLine}\n`);
    expect(knownHosts).toContain(`${node2.ip} ${node2.hostKeyLine}\n`);

    // With the real node back at its address, the same inventory converges.
    await stopImpostor(lab.router, node1);
    const fixed = await c.run(c.inventory([node1, node2]));
    expect(unitsWith(fixed, 'failed'), fixed.lines.join('\n')).toEqual([]);
    expect(unitsWith(fixed, 'changed')).toEqual(['juju-machine@compute-1', 'nova-compute@compute-1', 'compute-config@compute-1']);
    expect(findMachineByAddress(await c.status(), node1.ip)?.instanceId).toBe(`manual:${node1.ip}`);
  });
});
