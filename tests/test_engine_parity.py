"""preflight.engine + analyzer: the pack gets what the Pulumi engine sends.

Provider references with the provider's inputs, resource options, and the default providers the
engine registers for resources without an explicit provider (preflight/engine.py cites the engine
source).  The WAF test drives the real pack over gRPC.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, plan_for
from preflight.analyzer import run_policy_pack
from preflight.engine import default_provider_name, duration_seconds, engine_resources
from preflight.mocks import SECRET_SIG, SIG_KEY

STACK_URN = "urn:pulumi:prod::microservices-platform::pulumi:pulumi:Stack::microservices-platform-prod"
EDGE = "urn:pulumi:prod::microservices-platform::pulumi:pulumi:Stack$platform:edge:Edge::edge"
PROVIDER = "urn:pulumi:prod::microservices-platform::platform:edge:Edge$pulumi:providers:aws::edge-global"
ACL = "urn:pulumi:prod::microservices-platform::platform:edge:Edge$aws:wafv2/webAcl:WebAcl::edge-waf-cdn"
DEFAULT_TAGS = json.dumps({"tags": {"stack": "prod", "tier": "edge", "service": "cdn", "cost-center": "x"}})


def web_acl(provider_ref: str = "", region_input: str | None = None) -> dict:
    inputs = {"scope": "CLOUDFRONT", "defaultAction": {"allow": {}},
              "visibilityConfig": {"cloudwatchMetricsEnabled": True, "metricName": "cdn", "sampledRequestsEnabled": True},
              "tags": {"stack": "prod", "tier": "edge", "service": "cdn", "cost-center": "x"}}
    if region_input:
        inputs["region"] = region_input
    return {"urn": ACL, "type": "aws:wafv2/webAcl:WebAcl", "name": "edge-waf-cdn", "parent": EDGE, "custom": True,
            "inputs": inputs, "provider": provider_ref, "version": "7.51.1", "dependencies": [],
            "propertyDependencies": {}}


def plan_with(*resources: dict, region: str = "us-east-1") -> dict:
    return {"stack": "prod", "project": "microservices-platform",
            "config": {"aws:region": region, "microservices-platform:azCount": "3"},
            "resources": [{"urn": STACK_URN, "type": "pulumi:pulumi:Stack", "name": "microservices-platform-prod",
                           "parent": None, "inputs": {}, "custom": False},
                          {"urn": EDGE, "type": "platform:edge:Edge", "name": "edge", "parent": STACK_URN,
                           "inputs": {}, "custom": False},
                          *resources]}


def explicit_provider(region: str) -> dict:
    return {"urn": PROVIDER, "type": "pulumi:providers:aws", "name": "edge-global", "parent": EDGE, "custom": True,
            "inputs": {"region": region, "defaultTags": DEFAULT_TAGS, "skipRegionValidation": "true"},
            "provider": "", "version": "7.51.1", "id": "edge-global-1234"}


# ---- the engine view ----------------------------------------------------------------------------

def test_default_provider_is_registered_like_the_engine_does():
    plan = plan_with(web_acl(), web_acl() | {"urn": ACL + "2", "name": "edge-waf-2"}, region="eu-west-1")
    plan["config"]["aws:accessKey"] = "[secret]"
    view = engine_resources(plan)
    defaults = [r for r in view if r["type"] == "pulumi:providers:aws"]
    assert len(defaults) == 1, "one default provider per package and version"
    default = defaults[0]
    assert default["urn"] == "urn:pulumi:prod::microservices-platform::pulumi:providers:aws::default_7_51_1"
    assert default["parent"] == "" and default["provider"] is None
    assert default["properties"]["region"] == "eu-west-1" and default["properties"]["version"] == "7.51.1"
    assert default["properties"]["accessKey"] == {SIG_KEY: SECRET_SIG, "value": "[secret]"}
    assert "azCount" not in default["properties"], "only the aws:* keys are the provider's config"
    order = [r["urn"] for r in view]
    assert order.index(default["urn"]) < order.index(ACL), "registered before its first user"
    acl = next(r for r in view if r["urn"] == ACL)
    assert acl["provider"] == {"type": "pulumi:providers:aws", "urn": default["urn"], "name": "default_7_51_1",
                               "properties": default["properties"]}
    component = next(r for r in view if r["type"] == "platform:edge:Edge")
    assert component["provider"] is None, "components have no provider"


def test_explicit_provider_is_sent_with_its_inputs_and_version():
    provider = explicit_provider("us-east-1")
    view = engine_resources(plan_with(provider, web_acl(f"{PROVIDER}::edge-global-1234")))
    assert not [r for r in view if r.get("synthesized")], "no default provider when every resource names one"
    acl = next(r for r in view if r["urn"] == ACL)
    assert acl["provider"]["urn"] == PROVIDER and acl["provider"]["name"] == "edge-global"
    assert acl["provider"]["properties"] == {**provider["inputs"], "version": "7.51.1"}


def test_remote_components_get_their_package_default_provider():
    vpc = {"urn": "urn:pulumi:prod::microservices-platform::awsx:ec2:Vpc::network-vpc", "type": "awsx:ec2:Vpc",
           "name": "network-vpc", "parent": STACK_URN, "custom": False, "remote": True, "inputs": {},
           "version": "3.11.0"}
    view = engine_resources(plan_with(vpc))
    assert next(r for r in view if r["name"] == "network-vpc")["provider"]["name"] == "default_3_11_0"
    assert [r["type"] for r in view if r.get("synthesized")] == ["pulumi:providers:awsx"]


def test_options_are_sent_as_the_engine_marshals_them():
    acl = web_acl() | {"protect": True, "ignoreChanges": ["rules"], "deleteBeforeReplace": False,
                       "additionalSecretOutputs": ["arn"], "aliases": ["urn:old"],
                       "customTimeouts": {"create": "1h30m", "delete": "90s"}, "inputs": {"__defaults": [], "scope": "X"}}
    entry = next(r for r in engine_resources(plan_with(acl)) if r["urn"] == ACL)
    assert entry["options"] == {"protect": True, "ignoreChanges": ["rules"], "deleteBeforeReplace": False,
                                "deleteBeforeReplaceDefined": True, "additionalSecretOutputs": ["arn"],
                                "aliases": ["urn:old"], "customTimeouts": {"create": 5400.0, "update": 0.0,
                                                                            "delete": 90.0},
                                "parent": EDGE}
    assert entry["properties"] == {"scope": "X"}, "internal keys are skipped"
    unset = next(r for r in engine_resources(plan_with(web_acl())) if r["urn"] == ACL)["options"]
    assert unset["deleteBeforeReplaceDefined"] is False and unset["customTimeouts"]["create"] == 0.0


def test_go_durations_and_default_names():
    assert duration_seconds("2h45m30.5s") == 2 * 3600 + 45 * 60 + 30.5
    assert duration_seconds("") == 0.0 and duration_seconds(None) == 0.0
    assert default_provider_name("7.51.1") == "default_7_51_1"
    assert default_provider_name("1.2.3-alpha.1") == "default_1_2_3_alpha_1"
    assert default_provider_name(None) == "default"


def test_committed_plans_send_every_custom_resource_a_provider():
    for stack in ("prod", "dev"):
        view = engine_resources(plan_for(stack))
        needing = [r for r in view if r.get("custom") and not r["type"].startswith("pulumi:providers:")]
        assert needing and all(r["provider"] for r in needing)
        regions = {r["provider"]["properties"].get("region") for r in needing}
        assert regions == {"us-east-1"}
        names = {r["provider"]["name"] for r in needing}
        assert "default_7_51_1" in names and "edge-us-east-1" in names


# ---- through the real pack over gRPC ------------------------------------------------------------

CONFIG = ROOT / "policies" / "config" / "prod.json"
RULE = "wafv2-cloudfront-scope-region"


def verdicts(plan: dict) -> set[tuple[str, str]]:
    return {(v["policy"], v["urn"]) for v in run_policy_pack(plan, CONFIG)["violations"]
            if v["level"] == "mandatory"}


@pytest.mark.parametrize("provider_region, stack_region, fires", [
    ("eu-west-1", "us-east-1", True),     # explicit provider in the wrong region
    ("us-east-1", "eu-west-1", False),    # explicit us-east-1 provider in a eu-west-1 stack: compliant
    (None, "eu-west-1", True),            # default provider: the stack's aws:region
    (None, "us-east-1", False),
])
def test_cloudfront_waf_region_rule_fires_offline(provider_region, stack_region, fires):
    if provider_region:
        plan = plan_with(explicit_provider(provider_region), web_acl(f"{PROVIDER}::edge-global-1234"),
                         region=stack_region)
    else:
        plan = plan_with(web_acl(), region=stack_region)
    assert ((RULE, ACL) in verdicts(plan)) is fires


PROBE_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

def each(args, report):
    if args.name != "edge-waf-cdn":
        return
    o, p = args.opts, args.provider
    report(f"provider={p.name} {p.resource_type} region={p.props['region']} tags={p.props['defaultTags']} "
           f"ignore={list(o.ignore_changes)} dbr={o.delete_before_replace} timeouts={o.custom_timeouts.create_seconds} "
           f"secrets={list(o.additional_secret_outputs)}")

def stack(args, report):
    for r in args.resources:
        if r.resource_type.startswith("pulumi:providers:"):
            report(f"stack sees {r.name}")
        elif r.provider is not None:
            report(f"{r.name} via {r.provider.name}")

PolicyPack(name="probe", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="each", description="each", validate=each),
    StackValidationPolicy(name="stack", description="stack", validate=stack)])
"""


def test_the_pack_receives_provider_and_options(tmp_path):
    (tmp_path / "__main__.py").write_text(PROBE_PACK)
    acl = web_acl(f"{PROVIDER}::edge-global-1234") | {"ignoreChanges": ["rules"], "deleteBeforeReplace": True,
                                                       "customTimeouts": {"create": "10m"},
                                                       "additionalSecretOutputs": ["arn"]}
    plain = web_acl() | {"urn": ACL + "-2", "name": "edge-waf-2"}
    result = run_policy_pack(plan_with(explicit_provider("us-east-1"), acl, plain), None, policy_dir=tmp_path)
    messages = {v["message"] for v in result["violations"]}
    assert (f"provider=edge-global pulumi:providers:aws region=us-east-1 tags={DEFAULT_TAGS} "
            "ignore=['rules'] dbr=True timeouts=600.0 secrets=['arn']") in messages
    assert "edge-waf-cdn via edge-global" in messages and "edge-waf-2 via default_7_51_1" in messages
    assert "stack sees default_7_51_1" in messages and "stack sees edge-global" in messages


def test_provider_default_tags_arrive_json_encoded_and_still_count():
    """pulumi-aws's CheckConfig JSON-encodes non-string provider inputs, so the pack reads
    defaultTags as text; the rules decode it (support/props.provider_props)."""
    from platform_policies.rules import cross_service
    from test_policies_support import check

    rds = "aws:rds/instance:Instance"
    partial = {"tags": {"service": "orders", "tier": "data"}}
    encoded = json.dumps({"tags": {"stack": "prod", "cost-center": "x"}})
    assert check(cross_service.validate_required_tags, rds, partial, provider_props={"defaultTags": encoded}) == []
    assert check(cross_service.validate_required_tags, rds, partial, provider_props={"region": "us-east-1"})
