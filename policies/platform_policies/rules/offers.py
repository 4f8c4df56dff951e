"""Region offers: the instance, node and broker types, Fargate architectures and engine features a stack uses
against what its region offers (facts/offers.py; the zone half is rules/zones.py).

Each resource is judged in its own region: its ``region`` input or its provider's (support/props.py
provider_region), else the region the rest of the stack shows (the cost model's inference).

* ``region-offers`` (mandatory): a value the table documents as not offered in the region (or by the engine
  anywhere), and, failing closed as the cost model does for a region without prices, a region the table
  does not cover for that kind of offer.
* ``region-offers-undecided`` (advisory): what the plan cannot decide - a value not known yet (a first
  preview) or from outside the stack, a region the plan does not show, or a value the region's row does not
  name (AWS may offer it; the table does not say).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional

from pulumi_policy import Severity, StackValidationArgs

from .. import cost_model
from ..facts import offers
from ..rule import ACCEPTANCE, ADVISORY, MANDATORY, rule
from ..support.props import as_list, as_str, get, is_unknown, provider_region

RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_PROXY = "aws:rds/proxy:Proxy"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"
MSK_CLUSTER = "aws:msk/cluster:Cluster"
MQ_BROKER = "aws:mq/broker:Broker"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
AWS_PROVIDER = "pulumi:providers:aws"
JUDGED_TYPES = (RDS_INSTANCE, RDS_PROXY, REPLICATION_GROUP, CACHE_CLUSTER, MSK_CLUSTER, MQ_BROKER, TASK_DEFINITION)
_TABLE = "platform_policies/facts/offers.py"


@dataclass
class Choice:
    """One value a resource chooses that the region must offer."""

    resource: Any
    kind: Optional[str]  # None: the kind is not known yet (an unknown engine)
    input: str  # the input the value is read from
    value: Any  # a string, or UNKNOWN


def _value(props: Any, path: str, default: Optional[str] = None) -> Any:
    value = get(props, path)
    return value if is_unknown(value) else (as_str(value) or default)


def _choices(r: Any) -> Iterator[Choice]:
    p, t = r.props, r.resource_type
    if t == RDS_INSTANCE:
        engine = get(p, "engine")
        if is_unknown(engine) or (isinstance(engine, str) and engine == "postgres"):
            kind = None if is_unknown(engine) else offers.RDS_POSTGRES_CLASS
            yield Choice(r, kind, "instanceClass", _value(p, "instanceClass"))
    elif t == RDS_PROXY:
        yield Choice(r, offers.RDS_PROXY_ENGINE, "engineFamily", _value(p, "engineFamily"))
    elif t in (REPLICATION_GROUP, CACHE_CLUSTER):
        if t == CACHE_CLUSTER and get(p, "replicationGroupId") is not None:
            return  # a member of a replication group: the group's values are judged
        yield Choice(r, offers.CACHE_NODE_TYPE, "nodeType", _value(p, "nodeType"))
        yield Choice(r, offers.CACHE_ENGINE, "engine", _value(p, "engine", "redis" if t == REPLICATION_GROUP else None))
    elif t == MSK_CLUSTER:
        yield Choice(r, offers.MSK_BROKER_TYPE, "brokerNodeGroupInfo.instanceType",
                     _value(p, "brokerNodeGroupInfo.instanceType"))
    elif t == MQ_BROKER:
        engine = get(p, "engineType")
        kind = None if is_unknown(engine) else offers.mq_host_kind(engine)
        if kind is not None or is_unknown(engine):
            yield Choice(r, kind, "hostInstanceType", _value(p, "hostInstanceType"))
    elif t == TASK_DEFINITION:
        compat = as_list(get(p, "requiresCompatibilities"))
        if is_unknown(compat) or "FARGATE" not in compat:
            return
        # AWS default when runtimePlatform is not given: X86_64 (ECS RuntimePlatform API reference).
        yield Choice(r, offers.FARGATE_ARCHITECTURE, "runtimePlatform.cpuArchitecture",
                     _value(p, "runtimePlatform.cpuArchitecture", "X86_64"))


class StackRegion:
    """The region of each resource: its own or its provider's, else the one the stack shows (computed once)."""

    def __init__(self, resources: Iterable[Any]):
        self.resources = list(resources)
        self._stack: Any = ()

    def stack_region(self) -> Optional[str]:
        """The default aws provider's region, else the cost model's inference (explicit providers, ARNs)."""
        if self._stack == ():
            default = [as_str(get(r.props, "region")) for r in self.resources
                       if r.resource_type == AWS_PROVIDER and str(r.name).startswith("default")]
            found = next((d for d in default if isinstance(d, str) and d), None)
            self._stack = found or cost_model.infer_region(cost_model.from_policy_resources(self.resources),
                                                           default=None)
        return self._stack

    def of(self, resource: Any) -> Any:
        region = provider_region(resource)
        if is_unknown(region):
            return region
        return region if isinstance(region, str) and region else self.stack_region()


def _judged(args: StackValidationArgs) -> Iterator[tuple[Choice, Any]]:
    regions = StackRegion(args.resources)
    for r in args.resources:
        if r.resource_type in JUDGED_TYPES:
            for choice in _choices(r):
                if choice.value is not None:  # not set and no AWS default: the values rules say so
                    yield choice, regions.of(r)


def _sources(found: list) -> str:
    return "; ".join(dict.fromkeys(o.source.split(" (")[0] for o in found))


@rule(name="region-offers", area=ACCEPTANCE, resource_types=JUDGED_TYPES, stack=True,
      description="Instance classes, node and broker types, Fargate CPU architectures and engine features are "
                  "offered in the resource's region (facts/offers.py); a region the table does not cover fails "
                  "closed.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Choose a value the region offers (facts/offers.py lists them with their sources), or add the "
                  "region's row to facts/offers.py with its source and the date it was read.")
def validate_region_offers(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    for choice, region in _judged(args):
        if choice.kind is None or is_unknown(choice.value) or not isinstance(region, str) or not region:
            continue  # undecided: region-offers-undecided says so
        what, urn = offers.KINDS[choice.kind], choice.resource.urn
        verdict, found = offers.decide(region, choice.kind, choice.value)
        if verdict == offers.NOT_COVERED:
            report_violation(f"{choice.input} {choice.value} in {region}: the offers table ({_TABLE}, read "
                             f"{offers.TABLE_DATE}) does not cover {what} in {region}, so whether the region offers "
                             f"it cannot be checked; add the region's row there (with its source).", urn)
        elif verdict == offers.NOT_OFFERED:
            there = offers.offered(region, choice.kind)
            report_violation(f"{choice.input} {choice.value} is not offered in {region} ({what}): "
                             f"{_sources(found)}." + (f" Offered there: {', '.join(there)}." if there else ""), urn)


@rule(name="region-offers-undecided", area=ACCEPTANCE, resource_types=JUDGED_TYPES, stack=True,
      description="Where the plan cannot tell whether the region offers a type or feature: a value not known "
                  "yet, a region the plan does not show, or a value the region's row in facts/offers.py does not "
                  "name.",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Set the value from the stack's settings (known at preview), or check the region's offer "
                  "(console, pricing page, describe-orderable-* APIs) and add it to facts/offers.py.")
def validate_region_offers_undecided(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    for choice, region in _judged(args):
        urn = choice.resource.urn
        if choice.kind is None:
            report_violation(f"{choice.input}: the engine is not known yet, so which offers apply is not "
                             f"checked.", urn)
            continue
        what = offers.KINDS[choice.kind]
        if is_unknown(choice.value):
            report_violation(f"{choice.input} is not known yet (it comes from another resource's output); "
                             f"whether the region offers it is checked when it is.", urn)
            continue
        if not isinstance(region, str) or not region:
            report_violation(f"{choice.input} {choice.value}: the plan does not show the resource's region; "
                             f"whether it offers {what} is not checked.", urn)
            continue
        verdict, found = offers.decide(region, choice.kind, choice.value)
        if verdict == offers.UNTABLED:
            report_violation(f"{choice.input} {choice.value} in {region}: {_TABLE} does not list it among the "
                             f"{what} the region offers ({', '.join(offers.offered(region, choice.kind))}; "
                             f"{_sources(found)}); not checked.", urn)
