"""Network paths: every consumer-to-producer connection the plan wires is open in its security groups and
network ACLs, in both directions.

Security groups and ACLs accept any rule, so a service whose database security group opens the wrong port, or
whose own group has no egress rule, deploys cleanly and then times out on its first connection.  The wires
(support/wires.py) come from the graph: an ECS service's task definition built from a database, proxy, cache,
Kafka cluster or broker endpoint, its EFS volumes, the interface VPC endpoints its tasks need; a load balancer's
target groups; an RDS Proxy's target.  Ports come from facts/ports.py.

* ``network-path-security-groups`` (stack): an egress rule of the consumer's groups and an ingress rule of the
  producer's groups admit the port (by group or by an address range holding the other side);
* ``network-path-network-acls`` (stack): the ACLs of both sides' subnets let the port through and the reply
  back to the client's ephemeral ports;
* ``network-path-undecided`` (stack, advisory): the wires whose path the plan cannot decide (a group from
  outside the stack, a prefix list, an address range narrower than the VPC, an ACL association unknown at a
  first preview).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from pulumi_policy import Severity

from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.network_paths import ALLOW, DENY, UNDECIDED, Groups, acl_admits, acls, acls_of, worst
from ..support.per_request import once_per_request
from ..support.report import report_findings
from ..support.wires import Wire, all_wires

Finding = tuple[str, str, str]  # (DENY or UNDECIDED, URN to report on, message)


def _ports(ports: tuple) -> str:
    return "TCP " + "/".join(str(p) for p in ports)


def _wire(w: Wire) -> str:
    return f"{w.consumer.label} -> {w.producer.label}"


# ---- security groups ------------------------------------------------------------------------------------------

def _group_findings(w: Wire, groups: Groups) -> Iterator[Finding]:
    per_port = {p: (groups.admits(w.consumer, "egress", p, w.producer),
                    groups.admits(w.producer, "ingress", p, w.consumer)) for p in w.ports}
    if w.any_of:  # the client may use any one listener: one port open both ways is enough
        if any(v == (ALLOW, ALLOW) for v in per_port.values()):
            return
        if any(DENY not in v for v in per_port.values()):
            yield UNDECIDED, w.consumer.resource.urn, (f"{_wire(w)} ({_ports(w.ports)}, any one of them): whether "
                                                       f"the security groups admit it is not decided by the plan"
                                                       f"{_why(w)}")
            return
        closed = "; ".join(f"{p}: {'egress' if e == DENY else 'ingress'} closed" for p, (e, _) in per_port.items())
        yield DENY, w.consumer.resource.urn, (
            f"{_wire(w)}: none of the listener ports {_ports(w.ports)} is admitted both by an egress rule of the "
            f"consumer's security groups ({groups.label(w.consumer.groups)}) and an ingress rule of the "
            f"producer's ({groups.label(w.producer.groups)}) ({closed})")
        return
    for port, (egress, ingress) in per_port.items():
        if egress == DENY:
            yield DENY, w.consumer.resource.urn, (
                f"{_wire(w)} on {_ports((port,))}: no egress rule of the consumer's security groups "
                f"({groups.label(w.consumer.groups)}) admits it to the producer's groups "
                f"({groups.label(w.producer.groups)}) or addresses; security groups made by Pulumi have no "
                f"egress rule unless one is declared")
        if ingress == DENY:
            yield DENY, w.producer.resource.urn, (
                f"{_wire(w)} on {_ports((port,))}: no ingress rule of the producer's security groups "
                f"({groups.label(w.producer.groups)}) admits it from the consumer's groups "
                f"({groups.label(w.consumer.groups)}) or addresses")
        if UNDECIDED in (egress, ingress) and DENY not in (egress, ingress):
            side = " and ".join(s for s, v in (("egress", egress), ("ingress", ingress)) if v == UNDECIDED)
            yield UNDECIDED, w.consumer.resource.urn, (f"{_wire(w)} on {_ports((port,))}: whether the {side} "
                                                       f"rules admit it is not decided by the plan{_why(w)}")


def _why(w: Wire) -> str:
    if w.consumer.foreign_groups or w.producer.foreign_groups:
        return " (a security group from outside the stack)"
    if (w.consumer.addresses and not w.consumer.addresses.exact) or \
            (w.producer.addresses and not w.producer.addresses.exact):
        return (" (an address rule narrower than the VPC, or a prefix list, while the subnets' own ranges are "
                "not in the plan)")
    return ""


@once_per_request
def _all_group_findings(resources: list) -> list[Finding]:
    groups = Groups.of(resources)
    return list(dict.fromkeys(f for w in all_wires(resources) for f in _group_findings(w, groups)))


@rule(name="network-path-security-groups", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Every connection the plan wires (service to database, proxy, cache, Kafka, broker, EFS, VPC "
                  "endpoint; load balancer to service; proxy to database) is admitted by an egress rule of the "
                  "consumer's security groups and an ingress rule of the producer's, on the port it uses.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Add the missing rule named in the message: an egress rule on the consumer's group and an "
                  "ingress rule on the producer's group for that port, referencing each other's group "
                  "(components/shared/access.py turns a ServiceAccess into the ingress rule).")
def validate_network_path_security_groups(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, _all_group_findings(list(args.resources)), DENY)


# ---- network ACLs ------------------------------------------------------------------------------------------------

def _side(party_acls: tuple, checks: list) -> Iterator[tuple[str, Any, str]]:
    """(verdict, the ACL, what) over the ACLs that may apply to one side's subnets."""
    candidates, certain = party_acls
    for direction, ports, peer, what in checks:
        verdicts = [(acl_admits(a, direction, ports, peer), a) for a in candidates]
        found = worst(v for v, _ in verdicts)
        if not certain and found == DENY and any(v != DENY for v, _ in verdicts):
            found = UNDECIDED  # only some of the ACLs that may apply refuse it
        culprit = next((a for v, a in verdicts if v == found), None)
        yield found, culprit, what.format(direction=direction)


def _acl_findings(w: Wire, all_acls: list) -> Iterator[Finding]:
    c, p = w.consumer, w.producer
    if isinstance(c.subnet_ids, list) and c.subnet_ids == p.subnet_ids and len(c.subnet_ids) == 1:
        return  # one subnet: network ACLs do not filter traffic inside a subnet
    c_acls, p_acls = acls_of(c, all_acls), acls_of(p, all_acls)
    results = []
    for port in w.ports:
        reply = c.ephemeral
        found = list(_side(c_acls, [("egress", (port, port), p.addresses, f"TCP {port} out to {p.label}"),
                                    ("ingress", reply, p.addresses,
                                     f"the replies in from {p.label} (TCP {reply[0]}-{reply[1]})")])) + \
            list(_side(p_acls, [("ingress", (port, port), c.addresses, f"TCP {port} in from {c.label}"),
                                ("egress", reply, c.addresses,
                                 f"the replies out to {c.label} (TCP {reply[0]}-{reply[1]})")]))
        results.append((port, found))
    if w.any_of and any(all(v == ALLOW for v, _, _ in found) for _, found in results):
        return
    for port, found in results:
        for verdict, acl, what in found:
            if verdict == ALLOW:
                continue
            where = f"network ACL {acl.resource.name}" if acl is not None else "the VPC's default network ACL"
            urn = acl.resource.urn if acl is not None else c.resource.urn
            if verdict == DENY and not w.any_of:
                yield DENY, urn, (f"{_wire(w)}: {where} does not let {what}; network ACLs are stateless, so the "
                                  f"port and the client's ephemeral ports both need a rule")
            else:
                yield UNDECIDED, urn, (f"{_wire(w)}: whether {where} lets {what} is not decided by the plan "
                                       f"(its subnets, entries or the other side's addresses are not known)")


@once_per_request
def _all_acl_findings(resources: list) -> list[Finding]:
    all_acls = acls(resources)
    return list(dict.fromkeys(f for w in all_wires(resources) for f in _acl_findings(w, all_acls)))


@rule(name="network-path-network-acls", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="The network ACLs of both ends of every connection the plan wires let its port through and "
                  "the replies back to the client's ephemeral ports.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Allow the port from the client's subnets in the server subnets' ACL, and the ephemeral range "
                  "(1024-65535 covers every client) the other way; mirror both in the client subnets' ACL "
                  "(components/network).")
def validate_network_path_network_acls(args, report_violation: Callable[..., None]) -> None:
    report_findings(report_violation, _all_acl_findings(list(args.resources)), DENY)


# ---- what the plan cannot decide ------------------------------------------------------------------------------

@rule(name="network-path-undecided", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="Says which wired connections the plan cannot judge: a security group or prefix list from "
                  "outside the stack, an address rule narrower than the VPC, an ACL association unknown at a "
                  "first preview.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Check these paths once (VPC Reachability Analyzer), or build the groups and rules in the "
                  "stack so the gate can judge them.")
def validate_network_path_undecided(args, report_violation: Callable[..., None]) -> None:
    resources = list(args.resources)
    report_findings(report_violation, _all_group_findings(resources) + _all_acl_findings(resources), UNDECIDED)

