"""Starts moto's EC2/STS/IAM emulator on 127.0.0.1 and a free port, prints `port <N>` once it
listens, and serves until stdin closes (so the server never outlives the test that started it).

Emulator gap worked around here, never in the stacks: moto 5.2.1's SecurityGroupRule converts
from_port/to_port with int() for every protocol but -1, so an ingress rule of a protocol without
ports (GRE, IP protocol 47, which AWS and the provider send without FromPort/ToPort) raises
`int(None)` and the API call fails with a 500. The patch lets such a rule through with no ports,
as AWS stores it.
"""
import sys

from moto.ec2.models import security_groups
from moto.server import ThreadedMotoServer

PORTLESS = object()
_original_init = security_groups.SecurityGroupRule.__init__


def _init(self, ec2_backend, ip_protocol, group_id, from_port, to_port, *args, **kwargs):
    proto = str(ip_protocol) if ip_protocol else None
    portless = proto not in (None, "-1") and from_port is None and to_port is None
    if portless:
        # Let the original conversion run on placeholders, then store the rule without ports.
        _original_init(self, ec2_backend, ip_protocol, group_id, -1, -1, *args, **kwargs)
        self.from_port = self.to_port = None
    else:
        _original_init(self, ec2_backend, ip_protocol, group_id, from_port, to_port, *args, **kwargs)


security_groups.SecurityGroupRule.__init__ = _init


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(f"port {server.get_host_and_port()[1]}", flush=True)
    # The parent holds our stdin; when it exits (or closes it), stop.
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
