// The router's real iptables on the lab: a TCP connection already established through the router
// from a client network or a compute node stops passing data, both ways, as soon as the ruleset
// without that source is applied; a compute node still in the inventory keeps its connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, skipLabTests, type Lab, type LabHost } from '../../../lab/lab.ts';
import { must as sh } from '../../../lab/host-commands.ts';
import { buildRuleset, type RulesetInput } from '../../../src/remote/router/ruleset.ts';
import { parseSaved, restoreInput } from '../../../src/remote/router/ruleset-sync.ts';

const ROUTER_PUBLIC = '198.51.100.2';

// One end of a TCP connection: appends what it receives to LOG and sends what is appended to CTL.
// `listen ADDR PORT` accepts one connection; `connect ADDR PORT` makes one.
const PEER = `import os, select, socket, sys
mode, addr, port, log, ctl = sys.argv[1:6]
if mode == 'listen':
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(1)
    open(log + '.listening', 'w').close()
    s, _ = srv.accept()
else:
    s = socket.create_connection((addr, int(port)), timeout=5)
    s.settimeout(None)
open(log + '.up', 'w').close()
sent = 0
while True:
    if select.select([s], [], [], 0.1)[0]:
        data = s.recv(4096)
        if not data:
            break
        with open(log, 'ab') as f:
            f.write(data)
    try:
        with open(ctl, 'rb') as f:
            f.seek(sent)
            new = f.read()
    except FileNotFoundError:
        new = b''
    if new:
        s.sendall(new)
        sent += len(new)
`;

/** Polls until check() holds; an error naming what was awaited otherwise. */
async function until(what: string, check: () => Promise<boolean>, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One end of a connection on a lab host, named by `tag` (files /tmp/<tag>.log and /tmp/<tag>.ctl). */
class Peer {
  constructor(readonly host: LabHost, readonly tag: string) {}
  async start(mode: 'listen' | 'connect', addr: string, port: number): Promise<void> {
    await sh(this.host, 'cat > /tmp/peer.py', PEER);
    await sh(this.host, `setsid python3 /tmp/peer.py ${mode} ${addr} ${port} /tmp/${this.tag}.log /tmp/${this.tag}.ctl </dev/null >/tmp/${this.tag}.err 2>&1 &`);
    const ready = mode === 'listen' ? 'listening' : 'up';
    await until(`${this.host.name} ${this.tag} ${ready}`, async () => (await this.host.exec(`test -e /tmp/${this.tag}.log.${ready}`)).code === 0);
  }
  async say(line: string): Promise<void> {
    await sh(this.host, `printf '%s\\n' ${line} >> /tmp/${this.tag}.ctl`);
  }
  async heard(line: string): Promise<boolean> {
    return (await this.host.exec(`grep -qx ${line} /tmp/${this.tag}.log`)).code === 0;
  }
}

describe.skipIf(skipLabTests())("removed sources' established flows through the router", () => {
  let lab: Lab;
  const ruleset = (computeNodeIps: string[], clientCidrs: string[]): RulesetInput => ({
    publicInterface: 'eth0',
    managementInterface: 'eth1',
    managementCidr: '192.168.100.0/24',
    forwards: [{ port: 5000, vmIp: '192.168.100.40', vmPort: 5000 }],
    computePorts: [
      { protocol: 'tcp', port: 5672, vmIp: '192.168.100.110' },
      { protocol: 'tcp', port: 35357, vmIp: '192.168.100.40' },
    ],
    computeNodeIps,
    clientCidrs,
    allowAnyClient: false,
  });
  /** Brings the router's OPENCLOUD-* chains to the ruleset in one restore, as the router step does. */
  const apply = async (input: RulesetInput) => {
    const saved = await sh(lab.router, 'iptables-save');
    await sh(lab.router, 'iptables-restore --noflush', restoreInput(buildRuleset(input), { filter: parseSaved(saved, 'filter'), nat: parseSaved(saved, 'nat') }));
  };

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 2, serviceVms: true, clients: true });
    await sh(lab.router, 'sysctl -qw net.ipv4.ip_forward=1');
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('cuts the flows of a removed client network and a removed compute node, and keeps a remaining node\'s', async () => {
    const [node1, node2] = lab.computeNodes as [LabHost, LabHost];
    const client = lab.host('client');
    await apply(ruleset([node1.ip, node2.ip], [`${client.ip}/32`]));

    // Three connections through the router: the client to keystone's forward, node 1 to AMQP, node 2
    // to keystone's admin port.
    const pairs = [
      { name: 'client', near: new Peer(client, 'c'), far: new Peer(lab.host('keystone'), 'c'), port: 5000, vm: '192.168.100.40' },
      { name: 'node1', near: new Peer(node1, 'n1'), far: new Peer(lab.host('rabbitmq-server'), 'n1'), port: 5672, vm: '192.168.100.110' },
      { name: 'node2', near: new Peer(node2, 'n2'), far: new Peer(lab.host('keystone'), 'n2'), port: 35357, vm: '192.168.100.40' },
    ];
    for (const p of pairs) {
      await p.far.start('listen', p.vm, p.port);
      await p.near.start('connect', ROUTER_PUBLIC, p.port);
      await until(`${p.name} accepted`, async () => (await p.far.host.exec(`test -e /tmp/${p.far.tag}.log.up`)).code === 0);
    }
    for (const p of pairs) {
      await p.near.say(`${p.name}-before`);
      await p.far.say(`${p.name}-reply-before`);
      await until(`${p.name} both ways before`, async () => (await p.far.heard(`${p.name}-before`)) && (await p.near.heard(`${p.name}-reply-before`)));
    }

    // The client network and node 1 leave the inventory; the ruleset is updated, nothing else.
    await apply(ruleset([node2.ip], ['203.0.113.0/24']));
    for (const p of pairs) {
      await p.near.say(`${p.name}-after`);
      await p.far.say(`${p.name}-reply-after`);
    }
    // The remaining node's connection still carries data both ways...
    await until('node2 both ways after', async () => (await pairs[2]!.far.heard('node2-after')) && (await pairs[2]!.near.heard('node2-reply-after')));
    // ...and by then, and a second later (retransmissions included), the removed ones' carried none.
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of pairs.slice(0, 2)) {
      expect({ [p.name]: await p.far.heard(`${p.name}-after`) }).toEqual({ [p.name]: false });
      expect({ [`${p.name} reply`]: await p.near.heard(`${p.name}-reply-after`) }).toEqual({ [`${p.name} reply`]: false });
    }
  });
});
