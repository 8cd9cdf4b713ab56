"""Starts moto's EC2/STS/IAM emulator on 127.0.0.1 and a free port, prints `port <N>` once it
listens, and serves until stdin closes (so the server never outlives the test that started it).

Emulator gap worked around here, never in the stacks: moto 5.2.1's SecurityGroupRule converts
from_port/to_port with int() for every protocol but -1, so an ingress rule of a protocol without
ports (GRE, IP protocol 47, which AWS and the provider send without FromPort/ToPort) raises
`int(None)` and the API call fails with a 500. The patch lets such a rule through with no ports,
as AWS stores it.

Two more gaps would show as a perpetual diff that AWS does not have, and are patched the same way:
- an interface attached to an instance reports the instance's groups besides its own (moto's
  NetworkInterface.group_set merges them); in AWS every interface has only its own groups;
- an instance launched with a NetworkInterfaces specification (what the provider sends for an
  instance with a fixed private_ip) reports no groups of its own; in AWS an instance's groups are
  those of its primary interface.
moto's AMI catalogue has no EnaSupport attribute, so every image would fail the stacks' plan-time
check that Nitro instance types (t3, m5) get an image with the ENA driver; Canonical's emulated
images report ENA support, as Canonical's current images do, and the others none (which real AMIs
have it the emulator cannot show).
And one that costs minutes: moto forgets a detached interface's attachment at once, while AWS
reports it `detached`; the provider waits for that state and gives up only after its
not-found retries (2.5 minutes per detached interface).
"""
import sys
from types import SimpleNamespace

from moto.ec2.models import amis, elastic_network_interfaces, instances, security_groups
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

# The same gap in ModifySecurityGroupRules (what updates a rule's description, e.g. of a hand-made
# rule the stack imports): moto demands FromPort/ToPort "with TCP/UDP" for every protocol.
_original_modify = security_groups.SecurityGroupBackend.modify_security_group_rules


def _modify_security_group_rules(self, group_id, rules):
    for rule in rules.values():
        if str(rule.get("IpProtocol")) not in ("tcp", "udp", "6", "17") and rule.get("FromPort") is None and rule.get("ToPort") is None:
            rule["FromPort"] = rule["ToPort"] = -1
    return _original_modify(self, group_id, rules)


security_groups.SecurityGroupBackend.modify_security_group_rules = _modify_security_group_rules

elastic_network_interfaces.NetworkInterface.group_set = property(
    lambda self: self._group_set or (self.instance.security_groups if self.instance else [])
)

_original_instance_init = instances.Instance.__init__


def _instance_init(self, *args, **kwargs):
    _original_instance_init(self, *args, **kwargs)
    primary = self.nics.get(0)
    if not self.security_groups and primary is not None:
        self.security_groups = list(primary._group_set)


instances.Instance.__init__ = _instance_init

# Canonical's images report ENA, as its current ones do; every other image of moto's catalogue (e.g.
# SUSE's ami-35e92e4c of 2017) reports none, so the stacks' ENA check can be seen failing too.
CANONICAL = "099720109477"
amis.Ami.ena_support = property(lambda self: self.owner_id == CANONICAL)

_original_detach = instances.Instance.detach_eni


def _detach_eni(self, eni):
    eni._detached = SimpleNamespace(
        attach_time=eni.attach_time,
        attachment_id=eni.attachment_id,
        delete_on_termination=eni.delete_on_termination,
        device_index=eni.device_index,
        network_card_index=0,
        instance_id=self.id,
        instance_owner_id=self.owner_id,
        status="detached",
    )
    _original_detach(self, eni)


instances.Instance.detach_eni = _detach_eni
ENI = elastic_network_interfaces.NetworkInterface
_original_attachment = ENI.attachment
ENI.attachment = property(
    lambda self: _original_attachment.fget(self) or (getattr(self, "_detached", None) if self.instance is None else None)
)
_original_filter = ENI.get_filter_value


def _get_filter_value(self, filter_name, method_name=None):
    if filter_name == "attachment.attachment-id" and self.attachment_id is None and getattr(self, "_detached", None):
        return self._detached.attachment_id
    return _original_filter(self, filter_name, method_name)


ENI.get_filter_value = _get_filter_value


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(f"port {server.get_host_and_port()[1]}", flush=True)
    # The parent holds our stdin; when it exits (or closes it), stop.
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
