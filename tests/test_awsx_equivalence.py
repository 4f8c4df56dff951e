"""Mocks vs real engine: the awsx Vpc alone, or the Vpc plus the children awsx really creates.

Under Pulumi mocks the remote component ``awsx:ec2:Vpc`` is recorded without children; under
the real engine its provider registers them (parent chain = the Vpc).  The policy pack and the
cost model must reach the same verdicts and the same monthly total either way, and never count
a NAT gateway (or its Elastic IP) twice.

The "real engine" plan is the committed stack's recorded plan (tests/conftest.py plan_for) plus,
under every ``awsx:ec2:Vpc``, the children pulumi-awsx 3.x creates for those inputs
(awsx/ec2/vpc.ts and subnetNaming.ts in pulumi/pulumi-awsx, read 2026-11):

* ``aws:ec2/vpc:Vpc`` named like the component, parent = the component, tags ``{Name, **tags}``;
* ``aws:ec2/internetGateway:InternetGateway`` (always), parent = that aws Vpc;
* per AZ i (1-based) and subnet spec, public first: ``aws:ec2/subnet:Subnet``
  ``<vpc>-<spec name or type>-<i>`` (parent = aws Vpc) with availabilityZone, cidrBlock,
  mapPublicIpOnLaunch and tags ``{Name: <vpc>, **tags, Name: <subnet>, SubnetType}``; a
  ``RouteTable`` (parent = subnet) and a ``RouteTableAssociation`` (parent = route table);
* in the public subnet of AZ i when the strategy wants one (OnePerAz: every AZ; Single: the
  first; None: never): ``aws:ec2/eip:Eip`` and ``aws:ec2/natGateway:NatGateway`` ``<vpc>-<i>``
  (parent = subnet, tags ``{**tags, Name}``);
* a ``Route`` 0.0.0.0/0 per route table: public -> the internet gateway, private -> the AZ's
  NAT (Single: the one NAT; None: no route).

Three views of each stack go through the real pack (preflight.analyzer.run_policy_pack with the
committed policies/config/<stack>.json) and the cost model (with policies/usage/<stack>.json):

* ``mocks``   - the recorded plan as is;
* ``update``  - children added with known ids (``pulumi up``);
* ``preview`` - children added with unknown ids, and the awsx-derived vpc/subnet ids elsewhere
  in the program unknown too (a first ``pulumi preview``).

preflight's analyzer sends the same properties to Analyze and AnalyzeStack.  The engine sends
AnalyzeStack each resource's *outputs* (pulumi/pulumi stepGenerator.AnalyzeResources: "AnalyzeStack
is called on the final outputs of each resource"), and a component's outputs are not its inputs:
the awsx Vpc shows vpcId/subnet ids, not natGateways.strategy.  The stack rules (NAT per AZ, the
budget and advice policies) are therefore also run directly on that view, through pulumi_policy's
own proxies (tests/test_policies_support.py stack_args).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, plan_for, shared_verdict
from platform_policies import cost_model

analyzer = pytest.importorskip("preflight.analyzer")

# the views' verdicts (_judge) are kept per process: the module runs whole on one xdist worker
# (conftest.ONE_WORKER_MODULES)

AWSX_VPC = "awsx:ec2:Vpc"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown sentinel (pulumi sdk rpc.py)
STACKS = ("prod", "dev")
_SUBNET_ORDER = {"public": 0, "private": 1, "isolated": 2}  # awsx compareSubnetSpecs: public first
_AWSX_ID = re.compile(r"^(vpc|subnet)-[0-9a-f]{8,}$")


# ---- building the real-engine plan --------------------------------------------------------------

def _child_urn(parent_urn: str, type_: str, name: str) -> str:
    """URN of a child: the parent's qualified type chain + the child's type."""
    head, project, qtype, _ = parent_urn.split("::", 3)
    return f"{head}::{project}::{qtype}${type_}::{name}"


def awsx_children(vpc: dict, *, known_ids: bool = True, nat_gateways: int | None = None) -> list[dict]:
    """The resources awsx 3.x registers under ``vpc`` (a plan record of awsx:ec2:Vpc).

    ``nat_gateways`` forces how many NAT gateways (with their EIPs) are created, at most one per AZ,
    whatever the strategy says - for plans whose children disagree with the inputs.
    """
    inputs = vpc["inputs"]
    name = vpc["name"]
    azs = list(inputs.get("availabilityZoneNames")
               or [f"us-east-1{c}" for c in "abcdef"][: int(inputs.get("numberOfAvailabilityZones") or 3)])
    strategy = (inputs.get("natGateways") or {}).get("strategy") or "OnePerAz"
    tags = dict(inputs.get("tags") or {})
    shared = {"Name": name, **tags}
    specs = inputs.get("subnetSpecs") or [{"type": "Public"}, {"type": "Private"}]
    out: list[dict] = []
    counter = iter(range(1, 10_000))

    def add(type_: str, rname: str, parent: dict, props: dict, deps: dict[str, list[str]] | None = None) -> dict:
        deps = deps or {}
        rec = {"urn": _child_urn(parent["urn"], type_, rname), "type": type_, "name": rname,
               "parent": parent["urn"], "inputs": props, "custom": True, "remote": False,
               "dependencies": sorted({parent["urn"], *sum(deps.values(), [])}), "propertyDependencies": deps,
               "protect": False, "provider": ""}
        out.append(rec)
        return rec

    def rid(prefix: str) -> str:
        return f"{prefix}-{next(counter):017x}" if known_ids else UNKNOWN

    aws_vpc = add("aws:ec2/vpc:Vpc", name, vpc, {
        "cidrBlock": inputs.get("cidrBlock", "10.0.0.0/16"), "enableDnsHostnames": inputs.get("enableDnsHostnames"),
        "enableDnsSupport": inputs.get("enableDnsSupport"), "tags": shared})
    vpc_id = rid("vpc")
    igw = add("aws:ec2/internetGateway:InternetGateway", name, aws_vpc, {"vpcId": vpc_id, "tags": shared},
              {"vpcId": [aws_vpc["urn"]]})
    igw_id = rid("igw")
    nats: list[tuple[dict, str]] = []
    for i, az in enumerate(azs):
        for spec in sorted(specs, key=lambda s: _SUBNET_ORDER[s["type"].lower()]):
            kind = spec["type"].lower()
            if kind == "unused":
                continue
            sname = f"{name}-{spec.get('name') or kind}-{i + 1}"
            cidrs = spec.get("cidrBlocks") or []
            subnet = add("aws:ec2/subnet:Subnet", sname, aws_vpc, {
                "vpcId": vpc_id, "availabilityZone": az, "mapPublicIpOnLaunch": kind == "public",
                "cidrBlock": cidrs[i] if i < len(cidrs) else UNKNOWN,
                "tags": {**shared, **(spec.get("tags") or {}), "Name": sname, "SubnetType": spec["type"]}},
                {"vpcId": [aws_vpc["urn"]]})
            subnet_id = rid("subnet")
            table = add("aws:ec2/routeTable:RouteTable", sname, subnet, {
                "vpcId": vpc_id, "tags": {**shared, "Name": sname, "SubnetType": spec["type"]}},
                {"vpcId": [aws_vpc["urn"]]})
            table_id = rid("rtb")
            add("aws:ec2/routeTableAssociation:RouteTableAssociation", sname, table,
                {"routeTableId": table_id, "subnetId": subnet_id},
                {"routeTableId": [table["urn"]], "subnetId": [subnet["urn"]]})
            if nat_gateways is None:
                want = {"oneperaz": len(nats) < i + 1, "single": len(nats) < 1, "none": False}[strategy.lower()]
            else:
                want = len(nats) < min(nat_gateways, i + 1)
            if kind == "public" and want:
                gw = f"{name}-{i + 1}"
                eip = add("aws:ec2/eip:Eip", gw, subnet, {"tags": {**tags, "Name": gw}})
                nat = add("aws:ec2/natGateway:NatGateway", gw, subnet, {
                    "subnetId": subnet_id, "allocationId": rid("eipalloc"), "tags": {**tags, "Name": gw}},
                    {"subnetId": [subnet["urn"]], "allocationId": [eip["urn"]]})
                nats.append((nat, rid("nat")))
            if kind == "public":
                add("aws:ec2/route:Route", sname, table, {
                    "routeTableId": table_id, "gatewayId": igw_id, "destinationCidrBlock": "0.0.0.0/0"},
                    {"routeTableId": [table["urn"]], "gatewayId": [igw["urn"]]})
            elif kind == "private" and nats and strategy.lower() != "none":
                nat, nat_id = nats[0] if strategy.lower() == "single" else nats[min(i, len(nats) - 1)]
                add("aws:ec2/route:Route", sname, table, {
                    "routeTableId": table_id, "natGatewayId": nat_id, "destinationCidrBlock": "0.0.0.0/0"},
                    {"routeTableId": [table["urn"]], "natGatewayId": [nat["urn"]]})
    return out


def _unknown_awsx_ids(value):
    """vpc/subnet ids the program got from the awsx Vpc's outputs, as a first preview sees them."""
    if isinstance(value, dict):
        return {k: _unknown_awsx_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(v, str) and v.startswith("subnet-") and _AWSX_ID.match(v) for v in value):
            return UNKNOWN  # an Output[list] that is unknown arrives as one unknown value
        return [_unknown_awsx_ids(v) for v in value]
    if isinstance(value, str) and _AWSX_ID.match(value):
        return UNKNOWN
    return value


def real_engine(plan: dict, *, preview: bool = False, nat_gateways: int | None = None) -> dict:
    """``plan`` as the real engine records it: the awsx children present under each Vpc."""
    plan = copy.deepcopy(plan)
    resources: list[dict] = []
    for r in plan["resources"]:
        if preview:
            r["inputs"] = _unknown_awsx_ids(r.get("inputs") or {})
        resources.append(r)
        if r["type"] == AWSX_VPC:
            resources.extend(awsx_children(r, known_ids=not preview, nat_gateways=nat_gateways))
    plan["resources"] = resources
    return plan


# ---- running the pack and the cost model ---------------------------------------------------------

def _usage(stack: str) -> dict:
    data = json.loads((ROOT / "policies" / "usage" / f"{stack}.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _estimate(plan: dict, stack: str) -> dict:
    return cost_model.estimate(cost_model.from_plan(plan), usage=_usage(stack))


_RESULTS: dict[tuple, dict] = {}


def _judge(stack: str, view: str, plan: dict, config: Path | None = None) -> dict:
    key = (stack, view, str(config))
    if key not in _RESULTS:
        # the real pack over gRPC; the committed plans' verdicts are shared with test_preview
        _RESULTS[key] = shared_verdict(plan, config or ROOT / "policies" / "config" / f"{stack}.json")
    return _RESULTS[key]


def _views(stack: str) -> dict[str, dict]:
    mocked = plan_for(stack)
    return {"mocks": mocked, "update": real_engine(mocked), "preview": real_engine(mocked, preview=True)}


def _drivers(est: dict) -> list[tuple[str, str, float]]:
    return [(d["resource"], d["type"], round(d["monthly_usd"], 2)) for d in cost_model.top_drivers(est, 10)]


def _verdicts(result: dict, plan: dict) -> set[tuple[str, str, str]]:
    names = {r["urn"]: r["name"] for r in plan["resources"]}
    return {(v["policy"], v["level"], names.get(v["urn"], v["urn"])) for v in result["violations"]}


def _child_urns(plan: dict) -> set[str]:
    vpcs = [r["urn"] for r in plan["resources"] if r["type"] == AWSX_VPC]
    return {r["urn"] for r in plan["resources"]
            if any(f"{v.split('::')[2]}$" in r["urn"].split("::")[2] + "$" and r["urn"] != v for v in vpcs)}


# ---- the builder itself ----------------------------------------------------------------------------

def test_children_follow_the_awsx_rules_for_the_committed_inputs():
    prod, dev = real_engine(plan_for("prod")), real_engine(plan_for("dev"))

    def of(plan: dict, type_: str) -> list[dict]:
        return [r for r in plan["resources"] if r["type"] == type_]

    # prod: 3 AZ OnePerAz -> 6 subnets, 3 NAT + 3 EIP, each NAT in the public subnet of its AZ
    assert len(of(prod, "aws:ec2/subnet:Subnet")) == 6
    assert [r["name"] for r in of(prod, "aws:ec2/natGateway:NatGateway")] == [f"network-vpc-{i}" for i in (1, 2, 3)]
    assert len(of(prod, "aws:ec2/eip:Eip")) == 3
    by_urn = {r["urn"]: r for r in prod["resources"]}
    for nat in of(prod, "aws:ec2/natGateway:NatGateway"):
        subnet = by_urn[nat["parent"]]
        assert subnet["inputs"]["tags"]["SubnetType"] == "Public"
        assert subnet["name"].endswith(nat["name"][-2:])  # same AZ index
        assert by_urn[subnet["parent"]]["type"] == "aws:ec2/vpc:Vpc"  # subnet under the aws Vpc
        assert by_urn[by_urn[subnet["parent"]]["parent"]]["type"] == AWSX_VPC  # aws Vpc under the component
    azs = {r["inputs"]["availabilityZone"] for r in of(prod, "aws:ec2/subnet:Subnet")}
    assert azs == set(next(r for r in prod["resources"] if r["type"] == AWSX_VPC)["inputs"]["availabilityZoneNames"])
    # dev: 2 AZ Single -> 4 subnets, 1 NAT in AZ 1, both private routes point at it
    assert len(of(dev, "aws:ec2/subnet:Subnet")) == 4
    assert [r["name"] for r in of(dev, "aws:ec2/natGateway:NatGateway")] == ["network-vpc-1"]
    nat_urn = of(dev, "aws:ec2/natGateway:NatGateway")[0]["urn"]
    private_routes = [r for r in of(dev, "aws:ec2/route:Route") if "natGatewayId" in r["inputs"]]
    assert len(private_routes) == 2 and all(r["propertyDependencies"]["natGatewayId"] == [nat_urn]
                                            for r in private_routes)
    # every child sits under the awsx Vpc in its URN (what required-tags' exemption and the rules walk)
    assert len(_child_urns(prod)) == len(prod["resources"]) - len(plan_for("prod")["resources"])


# ---- equivalence --------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", STACKS)
def test_same_violations_with_or_without_awsx_children(stack):
    views = _views(stack)
    results = {view: _judge(stack, view, plan) for view, plan in views.items()}
    verdicts = {view: _verdicts(results[view], views[view]) for view in views}
    assert verdicts["update"] == verdicts["mocks"]
    assert verdicts["preview"] == verdicts["mocks"]
    for view in ("update", "preview"):
        children = _child_urns(views[view])
        assert children, view
        # nothing fires only because the children exist, and no rule crashed on them
        assert [v for v in results[view]["violations"] if v["urn"] in children] == []
        assert [v for v in results[view]["violations"] if "can't run policy" in v["message"]] == []
    # the NAT rule itself: prod passes, dev (Single NAT over 2 AZs) is warned once, on the Vpc, in every view
    for view, result in results.items():
        nat = [v for v in result["violations"] if v["policy"] == "nat-gateway-per-az"]
        vpc_urn = next(r["urn"] for r in views[view]["resources"] if r["type"] == AWSX_VPC)
        assert [(v["urn"], v["level"]) for v in nat] == ([] if stack == "prod" else [(vpc_urn, "advisory")]), view


@pytest.mark.parametrize("stack", STACKS)
def test_same_monthly_total_to_the_cent(stack):
    views = _views(stack)
    est = {view: _estimate(plan, stack) for view, plan in views.items()}
    cents = {view: round(e["totals"]["total_usd"] * 100) for view, e in est.items()}
    assert cents["update"] == cents["mocks"] and cents["preview"] == cents["mocks"], cents
    for view in est:
        assert est[view]["unpriced"] == [], (view, est[view]["unpriced"])
        assert {k: round(v, 2) for k, v in est[view]["by_tier"].items()} == \
            {k: round(v, 2) for k, v in est["mocks"]["by_tier"].items()}, view
        # the budget message names the same drivers (awsx lines are named like the children they stand for)
        assert _drivers(est[view]) == _drivers(est["mocks"]), view
    nat_hours = {view: sum(l["quantity"] for l in e["lines"] if l["price_key"] == "nat/hour") for view, e in est.items()}
    expected_nats = 3 if stack == "prod" else 1
    assert set(nat_hours.values()) == {expected_nats * 730.0}  # never counted twice
    # under the real engine the NAT and EIP lines hang on the children, not on the component
    for view in ("update", "preview"):
        assert {l["type"] for l in est[view]["lines"] if l["urn"] in _child_urns(views[view])} == \
            {"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"}
        assert not [l for l in est[view]["lines"] if l["type"] == AWSX_VPC and l["kind"] == "baseline"]


@pytest.mark.parametrize("stack", STACKS)
def test_budget_policy_reports_the_same_estimate_from_the_pack(stack, tmp_path):
    """Through the pack process (StackValidationArgs proxies, AnalyzeStack): same estimate and drivers."""
    from platform_policies import all_policies

    config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
    config["monthly-budget-warn"]["warnAtPercent"] = 1  # make the advisory warning speak with its figures
    # only the policy read here runs (the pack judges each policy on its own; the full pack's verdicts
    # on these views: test_same_violations_with_or_without_awsx_children)
    for policy in all_policies():
        if policy.name != "monthly-budget-warn":
            config[policy.name] = {**(config.get(policy.name) or {}), "enforcementLevel": "disabled"}
    path = tmp_path / f"{stack}.json"
    path.write_text(json.dumps(config))
    views = _views(stack)
    messages = {}
    for view, plan in views.items():
        warn = [v["message"] for v in _judge(stack, view, plan, path)["violations"]
                if v["policy"] == "monthly-budget-warn"]
        close = [m for m in warn if m.startswith("Close to the monthly cap")]
        assert len(close) == 1, view
        messages[view] = close[0]
        # the peak warning (peak above the cap while the cap is on the expected cost) is the same too
        messages[view + "-peak"] = sorted(m for m in warn if m.startswith("At peak"))
    assert messages["update"] == messages["mocks"] == messages["preview"]
    assert messages["update-peak"] == messages["mocks-peak"] == messages["preview-peak"]
    total = _estimate(views["mocks"], stack)["totals"]["total_usd"]
    assert f"Estimated monthly cost ${total:,.2f}" in messages["mocks"]
    assert "Top cost drivers:" in messages["mocks"] and "of the cap $" in messages["mocks"]


# ---- children that disagree with the inputs: the children are judged ------------------------------

def test_one_per_az_inputs_with_a_single_nat_child_is_judged_by_the_child():
    mocked = plan_for("prod")  # natGateways.strategy OnePerAz over 3 AZs: passes from the inputs
    real = real_engine(mocked, nat_gateways=1)
    result = _judge("prod", "one-nat-child", real)
    nat = [v for v in result["violations"] if v["policy"] == "nat-gateway-per-az"]
    vpc_urn = next(r["urn"] for r in real["resources"] if r["type"] == AWSX_VPC)
    assert [(v["urn"], v["level"]) for v in nat] == [(vpc_urn, "mandatory")]
    assert "3 AZs but has 1 NAT gateway(s) (NAT gateway resources)" in nat[0]["message"]
    # cost: one NAT and one EIP, not the three the inputs promise
    est = _estimate(real, "prod")
    assert sum(l["quantity"] for l in est["lines"] if l["price_key"] == "nat/hour") == 730.0
    eips = [l for l in est["lines"] if l["price_key"] == "ipv4/hour" and "Elastic IP" in l["component"]]
    assert len(eips) == 1
    mocked_total = _estimate(mocked, "prod")["totals"]["total_usd"]
    # two NAT gateways ($0.045/h) and two EIPs ($0.005/h) fewer, 730 h each
    assert mocked_total - est["totals"]["total_usd"] == pytest.approx(2 * 730 * (0.045 + 0.005))


def test_single_inputs_with_a_nat_child_per_az_passes_and_prices_every_child():
    mocked = plan_for("dev")  # Single over 2 AZs: warned from the inputs
    real = real_engine(mocked, nat_gateways=2)
    result = _judge("dev", "nat-child-per-az", real)
    assert [v for v in result["violations"] if v["policy"] == "nat-gateway-per-az"] == []
    est = _estimate(real, "dev")
    assert sum(l["quantity"] for l in est["lines"] if l["price_key"] == "nat/hour") == 2 * 730.0


def test_no_nat_child_is_judged_like_strategy_none():
    """Children present but no NAT among them: nothing is priced from the inputs, and no NAT-per-AZ
    violation is raised from the inputs' `Single` either."""
    real = real_engine(plan_for("dev"), nat_gateways=0)
    assert not [r for r in real["resources"] if r["type"] == "aws:ec2/natGateway:NatGateway"]
    result = _judge("dev", "no-nat-child", real)
    assert [v for v in result["violations"] if v["policy"] == "nat-gateway-per-az"] == []
    est = _estimate(real, "dev")
    assert not [l for l in est["lines"] if l["price_key"] in ("nat/hour", "nat/gb")]


# ---- the engine's AnalyzeStack view: the component's outputs, not its inputs -----------------------

def _stack_view(plan: dict, outputs: bool) -> list[dict]:
    """stack_args() records; with ``outputs`` each awsx Vpc carries its outputs instead of its inputs."""
    out = []
    for r in plan["resources"]:
        props = r.get("inputs") or {}
        if r["type"] == AWSX_VPC and outputs:
            props = {"vpcId": UNKNOWN, "publicSubnetIds": UNKNOWN, "privateSubnetIds": UNKNOWN,
                     "isolatedSubnetIds": [], "natGateways": UNKNOWN}
        out.append({"type": r["type"], "name": r["name"], "urn": r["urn"], "props": props,
                    "parent": r.get("parent"), "deps": r.get("propertyDependencies") or {}})
    return out


def _stack_messages(plan: dict, stack: str, outputs: bool = True) -> dict[str, list[tuple[str, str]]]:
    from pulumi_policy import StackValidationArgs, StackValidationPolicy
    from platform_policies import all_policies
    from test_policies_support import stack_args, wire_config

    config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())
    out: dict[str, list[tuple[str, str]]] = {}
    names = {r["urn"]: r["name"] for r in plan["resources"]}
    # one AnalyzeStack request: every stack policy sees the same resources, each with its own config
    resources = stack_args(_stack_view(plan, outputs)).resources
    for policy in all_policies():
        if not isinstance(policy, StackValidationPolicy):
            continue
        props = {k: v for k, v in (config.get(policy.name) or {}).items() if k != "enforcementLevel"}
        found: list[tuple[str, str]] = []
        policy.validate(StackValidationArgs(resources, wire_config(props)),
                        lambda msg, urn=None: found.append((names.get(urn, str(urn)), msg)))
        out[policy.name] = sorted(found)
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_stack_rules_judge_the_children_not_the_component_inputs(stack):
    views = _views(stack)
    mocks = _stack_messages(views["mocks"], stack, outputs=False)  # mocks: the Vpc inputs are all there is
    for view in ("update", "preview"):
        got = _stack_messages(views[view], stack)  # the real engine: children, and the Vpc's outputs only
        nat = got.pop("nat-gateway-per-az")
        expected_nat = [] if stack == "prod" else [("network-vpc", "VPC spans 2 AZs but has 1 NAT gateway(s) (NAT "
                                                    "gateway resources); losing the NAT's AZ cuts egress for the "
                                                    "others. Use natGateways.strategy OnePerAz.")]
        assert nat == expected_nat, view
        assert got == {k: v for k, v in mocks.items() if k != "nat-gateway-per-az"}, view
    # the budget policies' estimate (stack_cost.estimate_for over StackValidationArgs), to the cent
    from platform_policies.rules import stack_cost as cost_policies
    from test_policies_support import stack_args

    config = json.loads((ROOT / "policies" / "config" / f"{stack}.json").read_text())["monthly-budget-cap"]
    totals = {}
    for view, outputs in (("mocks", False), ("update", True), ("preview", True)):
        est = cost_policies.estimate_for(stack_args(_stack_view(views[view], outputs), config))
        totals[view] = round(est["totals"]["total_usd"] * 100)
    assert totals["update"] == totals["mocks"] == totals["preview"], totals
    assert totals["mocks"] == round(_estimate(views["mocks"], stack)["totals"]["total_usd"] * 100)
