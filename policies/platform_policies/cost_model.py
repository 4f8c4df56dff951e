"""The one cost model of the platform (budget policy, cost advice and `preflight cost`).

Input: a list of :class:`Res` (type, name, urn, parent, inputs with engine camelCase
property names).  Two adapters build that list: :func:`from_plan` (preflight's plan
JSON) and :func:`from_policy_resources` (``StackValidationArgs.resources`` under the
real engine).  Output of :func:`estimate`: a JSON-able dict with one line per cost
component (tier, service, resource, quantity, unit, unit price, monthly USD,
kind baseline|usage), totals, the types nothing could price ("unpriced", never a
silent $0), the types known to be free, and the assumptions used.

Rules:
* monthly = hourly price x hours; hours = catalog ``hoursPerMonth`` (730), or
  ``schedule.hoursPerDay x schedule.daysPerMonth`` of the usage profile for an ECS
  service that an Application Auto Scaling scheduled action scales to 0.
* Prices come only from the dated catalog ``policies/pricing/<region>.json``
  (loaded relative to this file); a missing price is reported as unpriced.
* Usage-driven parts (requests, stored GB, processed GB ...) come from a usage
  profile (:data:`DEFAULT_USAGE`, overridden per stack) and are ``kind: usage``.
* The remote ``awsx:ec2:Vpc`` is priced from its inputs (NAT gateways, their
  Elastic IPs, interface endpoints) only when it has no children at all (mocks);
  under the real engine its children are priced and the inputs are ignored, so
  mocks and the real engine give one total and nothing is counted twice.

This module must not import the program (``components/``): the policy pack runs it
standalone.  Standard library only.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

PRICING_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pricing")
DEFAULT_REGION = "us-east-1"

# Usage assumptions when a stack gives none: the seed's figures (10M requests a
# month, 100 GB per database, 50 GB EFS) plus explicit guesses for the rest.  The
# per-stack profiles live in preflight/usage/<stack>.json and in the budget
# policy's `usage` option of policies/config/<stack>.json.
DEFAULT_USAGE: dict[str, Any] = {
    "requestsPerMonth": 10_000_000,
    "schedule": {"hoursPerDay": 8, "daysPerMonth": 22},
    "database": {"dataGbPerInstance": 100},
    "efs": {"storedGbPerFileSystem": 50},
    "mq": {"storedGbPerBroker": 5},
    "alb": {"lcuPerHour": 1.0},
    "nat": {"processedGbPerMonth": 100},
    "vpcEndpoints": {"processedGbPerMonth": 50},
    "cloudfront": {"dataTransferOutGbPerMonth": 100},
    "logs": {"ingestGbPerLogGroup": 2},
    "xray": {"sampledFraction": 0.05},
    "cloudwatch": {"customMetrics": 0},
    "ecr": {"storedGbPerRepository": 1},
    "s3": {"storedGbPerBucket": 5},
    "codepipeline": {"actionMinutesPerPipeline": 300},
    "codebuild": {"buildMinutesPerProject": 100},
    "privateCa": {"certificatesPerMonth": 150},
    "fis": {"actionMinutesPerMonth": 0},
}

# Types that cost nothing by themselves (their cost, if any, is carried by the
# resource that uses them, e.g. a task definition is priced through its service).
FREE_TYPES: dict[str, str] = {
    t: "no charge of its own" for t in (
        "pulumi:providers:aws", "pulumi:providers:awsx", "pulumi:pulumi:Stack",
        "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
        "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "aws:ec2/flowLog:FlowLog",
        "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/serviceLinkedRole:ServiceLinkedRole", "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:ecs/cluster:Cluster", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/capacityProvider:CapacityProvider",
        "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
        "aws:lb/listenerCertificate:ListenerCertificate",
        "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy",
        "aws:appautoscaling/scheduledAction:ScheduledAction",
        "aws:apigateway/resource:Resource", "aws:apigateway/method:Method", "aws:apigateway/integration:Integration",
        "aws:apigateway/methodResponse:MethodResponse", "aws:apigateway/integrationResponse:IntegrationResponse",
        "aws:apigateway/deployment:Deployment", "aws:apigateway/stage:Stage", "aws:apigateway/usagePlan:UsagePlan",
        "aws:apigateway/apiKey:ApiKey", "aws:apigateway/usagePlanKey:UsagePlanKey",
        "aws:apigateway/methodSettings:MethodSettings", "aws:apigateway/account:Account",
        "aws:apigateway/domainName:DomainName", "aws:apigateway/basePathMapping:BasePathMapping",
        "aws:apigatewayv2/vpcLink:VpcLink", "aws:apigatewayv2/stage:Stage", "aws:apigatewayv2/route:Route",
        "aws:apigatewayv2/integration:Integration", "aws:apigateway/vpcLink:VpcLink",
        "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
        "aws:route53/record:Record",
        "aws:servicediscovery/httpNamespace:HttpNamespace", "aws:servicediscovery/service:Service",
        "aws:secretsmanager/secretVersion:SecretVersion", "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:secretsmanager/secretRotation:SecretRotation",
        "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/optionGroup:OptionGroup", "aws:elasticache/subnetGroup:SubnetGroup",
        "aws:elasticache/parameterGroup:ParameterGroup", "aws:msk/configuration:Configuration",
        "aws:mq/configuration:Configuration", "aws:efs/mountTarget:MountTarget", "aws:efs/accessPoint:AccessPoint",
        "aws:efs/backupPolicy:BackupPolicy", "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "aws:wafv2/ruleGroup:RuleGroup", "aws:wafv2/ipSet:IpSet",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy",
        "aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/cachePolicy:CachePolicy",
        "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
        "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate",
        "aws:acmpca/permission:Permission", "aws:acmpca/policy:Policy",
        # The root CA's own certificate; leaf certificates are priced as usage on the CA line.
        "aws:acmpca/certificate:Certificate",
        # AWS CodeConnections has no charge of its own (AWS CodePipeline pricing, read 2026-11).
        "aws:codeconnections/connection:Connection",
        "aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group",
        "aws:codestarconnections/connection:Connection", "aws:codestarnotifications/notificationRule:NotificationRule",
        "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:budgets/budget:Budget",
        "aws:fis/experimentTemplate:ExperimentTemplate",
    )
}
# Pay-per-use with a free tier or fractions of a cent at this platform's volume.
FREE_TYPES.update({
    "aws:sns/topic:Topic": "pay per publish; first 1M requests and 1,000 e-mails a month free (AWS SNS pricing)",
    "aws:sns/topicSubscription:TopicSubscription": "pay per delivery; e-mail alerts are within the free tier",
    "aws:sns/topicPolicy:TopicPolicy": "no charge of its own",
    "aws:sqs/queue:Queue": "pay per request; first 1M requests a month free (AWS SQS pricing)",
    "aws:scheduler/schedule:Schedule": "pay per invocation; first 14M a month free (EventBridge Scheduler pricing)",
})

_UNKNOWN_SENTINELS = {
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
}


# --------------------------------------------------------------------------- input
@dataclass
class Res:
    """One resource as the cost model sees it (engine camelCase inputs)."""

    type: str
    name: str
    urn: str
    parent: Optional[str] = None
    inputs: dict = field(default_factory=dict)
    custom: Optional[bool] = None
    dependencies: list = field(default_factory=list)
    property_dependencies: dict = field(default_factory=dict)


def _clean(value: Any) -> Any:
    """Plain JSON data with unknown-value sentinels (preview) turned into None."""
    if isinstance(value, Mapping):
        target = value
        try:  # pulumi_policy proxies expose the raw dict under "__target"
            target = value["__target"]  # type: ignore[index]
        except Exception:  # noqa: BLE001 - any mapping without the hook
            target = value
        if not isinstance(target, Mapping):
            target = value
        return {str(k): _clean(v) for k, v in dict(target).items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "__len__") and hasattr(value, "__getitem__")
                                            and not isinstance(value, (str, bytes))):
        try:
            items = value["__target"]  # type: ignore[index]
        except Exception:  # noqa: BLE001
            items = value
        return [_clean(v) for v in list(items)]
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return None
    return value


def from_plan(plan: Mapping[str, Any]) -> list[Res]:
    """Resources of a preflight plan dict (docs/TEAM-NOTES.md format)."""
    out = []
    for r in plan.get("resources", []) or []:
        out.append(Res(type=r.get("type", ""), name=r.get("name", ""), urn=r.get("urn", ""),
                       parent=r.get("parent") or None, inputs=_clean(r.get("inputs") or {}),
                       custom=r.get("custom"), dependencies=list(r.get("dependencies") or []),
                       property_dependencies={k: list(v or []) for k, v in
                                              (r.get("propertyDependencies") or {}).items()}))
    return out


def from_policy_resources(resources: Iterable[Any]) -> list[Res]:
    """Resources of ``StackValidationArgs.resources`` (pulumi_policy.PolicyResource)."""
    out = []
    for r in resources:
        try:
            props = _clean(r.props)
        except Exception:  # noqa: BLE001 - never let one odd resource stop the estimate
            props = {}
        parent = getattr(getattr(r, "parent", None), "urn", None) or getattr(getattr(r, "opts", None), "parent", None)
        deps = [getattr(d, "urn", d) for d in (getattr(r, "dependencies", None) or [])]
        pdeps = {k: [getattr(d, "urn", d) for d in (v or [])]
                 for k, v in (getattr(r, "property_dependencies", None) or {}).items()}
        res = Res(type=r.resource_type, name=r.name, urn=r.urn, parent=parent or None, inputs=props,
                  dependencies=deps, property_dependencies=pdeps)
        prov = getattr(r, "provider", None)
        if prov is not None and res.inputs.get("region") is None:
            try:
                region = _clean(prov.props).get("region")
            except Exception:  # noqa: BLE001
                region = None
            if isinstance(region, str):
                res.inputs = {**res.inputs, "__providerRegion": region}
        out.append(res)
    return out


_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ARN_REGION_RE = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):")


def infer_region(resources: list[Res], default: str = DEFAULT_REGION) -> str:
    """Region of the stack: aws provider input, a resource's region input, then an ARN."""
    for r in resources:
        if r.type == "pulumi:providers:aws" and _REGION_RE.match(str(r.inputs.get("region") or "")):
            return r.inputs["region"]
    for key in ("region", "__providerRegion"):
        for r in resources:
            v = r.inputs.get(key)
            if isinstance(v, str) and _REGION_RE.match(v):
                return v
    for r in resources:
        if r.type.startswith("aws:cloudfront") or r.type.startswith("aws:wafv2"):
            continue  # CloudFront/WAF CLOUDFRONT scope live in us-east-1 whatever the stack
        m = _ARN_REGION_RE.search(json.dumps(r.inputs, default=str))
        if m:
            return m.group(1)
    return default


# --------------------------------------------------------------------------- catalog
class Catalog:
    """The dated price catalog of one region."""

    def __init__(self, region: str = DEFAULT_REGION, pricing_dir: str = PRICING_DIR):
        self.requested_region = region
        self.warnings: list[str] = []
        path = os.path.join(pricing_dir, f"{region}.json")
        if not os.path.exists(path):
            self.warnings.append(f"no price catalog for {region}; prices are {DEFAULT_REGION} list prices")
            path = os.path.join(pricing_dir, f"{DEFAULT_REGION}.json")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.region = data["region"]
        self.date = data.get("catalogDate", "")
        self.hours_per_month = float(data.get("hoursPerMonth", 730))
        self.prices: dict[str, dict] = data["prices"]

    def get(self, key: str) -> Optional[dict]:
        return self.prices.get(key)

    def usd(self, key: str) -> Optional[float]:
        p = self.prices.get(key)
        return None if p is None else float(p["usd"])


_CATALOGS: dict[str, Catalog] = {}


def load_catalog(region: str = DEFAULT_REGION) -> Catalog:
    if region not in _CATALOGS:
        _CATALOGS[region] = Catalog(region)
    return _CATALOGS[region]


# --------------------------------------------------------------------------- helpers
def merge_usage(*profiles: Optional[Mapping[str, Any]]) -> dict:
    """Deep-merge usage profiles over :data:`DEFAULT_USAGE` (later wins)."""
    out = copy.deepcopy(DEFAULT_USAGE)
    for prof in profiles:
        for k, v in (prof or {}).items():
            if isinstance(v, Mapping) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **dict(v)}
            else:
                out[k] = copy.deepcopy(v)
    return out


def _num(v: Any, default: Optional[float] = None) -> Optional[float]:
    if v is None or isinstance(v, bool):
        return default
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def _truthy(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.lower() == "true")


def _tags(inputs: Mapping[str, Any]) -> dict:
    tags = inputs.get("tags") or inputs.get("tagsAll") or {}
    return tags if isinstance(tags, dict) else {}


def _known_list(v: Any) -> Optional[list]:
    if isinstance(v, list) and all(x is not None for x in v):
        return v
    return None


def _is_component(r: Res) -> bool:
    """Component resources (ours "platform:*", remote ones such as "awsx:ec2:Vpc")."""
    if r.custom is False:
        return True
    t = r.type
    if t.startswith("platform:") or t == "pulumi:pulumi:Stack":
        return True
    parts = t.split(":")
    return (len(parts) == 3 and not t.startswith(("aws:", "pulumi:providers:")) and "/" not in parts[1])


# --------------------------------------------------------------------------- estimate
class _Ctx:
    def __init__(self, resources: list[Res], catalog: Catalog, usage: dict):
        self.resources = resources
        self.by_urn = {r.urn: r for r in resources}
        self.children: dict[str, list[Res]] = {}
        for r in resources:
            if r.parent:
                self.children.setdefault(r.parent, []).append(r)
        self.cat = catalog
        self.usage = usage
        self.hours = catalog.hours_per_month
        self.lines: list[dict] = []
        self.unpriced: list[dict] = []
        self.assumptions: list[str] = []
        self.free: dict[str, int] = {}
        self.nat_seen = False
        self.vpce_seen = False
        self.scheduled: set[str] = set()
        self.sched_hours = self.hours
        self.sched_desc = ""

    # -- attribution
    def tier_service(self, r: Res) -> tuple[str, str]:
        tags = _tags(r.inputs)
        tier, service = tags.get("tier"), tags.get("service")
        cur = self.by_urn.get(r.parent) if r.parent else None
        seen = 0
        while cur is not None and seen < 50 and (tier is None or service is None):
            ptags = _tags(cur.inputs)
            tier = tier or ptags.get("tier")
            service = service or ptags.get("service")
            if tier is None and cur.type.startswith("platform:"):
                parts = cur.type.split(":")
                if len(parts) >= 3:
                    tier = parts[1]
            cur = self.by_urn.get(cur.parent) if cur.parent else None
            seen += 1
        return tier or "unassigned", service or "platform"

    def descendants(self, urn: str) -> list[Res]:
        out, stack = [], list(self.children.get(urn, []))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children.get(c.urn, []))
        return out

    def use(self, section: str, key: str) -> float:
        """A number of the usage profile (``usage[section][key]``), 0 when not given."""
        return _num((self.usage.get(section) or {}).get(key), 0) or 0

    def count_free(self, label: str) -> None:
        self.free[label] = self.free.get(label, 0) + 1

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    # -- lines
    def add(self, r: Res, component: str, quantity: float, unit: str, key: str, kind: str = "baseline",
            attrs: Optional[dict] = None, resource: Optional[str] = None,
            type_: Optional[str] = None) -> Optional[dict]:
        """One cost line of ``r``; ``resource``/``type_`` name the child it stands for (awsx under mocks)."""
        price = self.cat.get(key)
        if price is None:
            self.unpriced.append({"type": r.type, "resource": resource or r.name, "urn": r.urn,
                                  "reason": f"{component}: no price '{key}' in the {self.cat.region} catalog"})
            return None
        tier, service = self.tier_service(r)
        unit_price = float(price["usd"])
        line = {"tier": tier, "service": service, "resource": resource or r.name, "urn": r.urn,
                "type": type_ or r.type,
                "component": component, "quantity": quantity, "unit": unit, "unit_price": unit_price,
                "monthly_usd": quantity * unit_price, "kind": kind, "price_key": key,
                "attrs": attrs or {}}
        self.lines.append(line)
        return line

    def not_priced(self, r: Res, reason: str) -> None:
        self.unpriced.append({"type": r.type, "resource": r.name, "urn": r.urn, "reason": reason})


Pricer = Callable[[_Ctx, Res], None]
PRICERS: dict[str, Pricer] = {}


def _pricer(*types: str):
    def deco(fn: Pricer) -> Pricer:
        for t in types:
            PRICERS[t] = fn
        return fn
    return deco


# ---- compute -------------------------------------------------------------------
_TD_ARN_RE = re.compile(r"task-definition/([^:/]+)(?::\d+)?$")


def _find_task_definition(ctx: _Ctx, svc: Res) -> Optional[Res]:
    for urn in svc.property_dependencies.get("taskDefinition", []):
        r = ctx.by_urn.get(urn)
        if r is not None and r.type == "aws:ecs/taskDefinition:TaskDefinition":
            return r
    ref = svc.inputs.get("taskDefinition")
    if isinstance(ref, str) and ref:
        tds = [r for r in ctx.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"]
        m = _TD_ARN_RE.search(ref)
        key = m.group(1) if m else ref.split(":")[0]
        for td in tds:  # family first (it is the ARN's name part), then the resource name
            if td.inputs.get("family") == key or td.inputs.get("arn") == ref:
                return td
        for td in tds:
            if td.name == key or key.startswith(td.name + "-") or ref.endswith("/" + td.name):
                return td
    for urn in svc.dependencies:
        r = ctx.by_urn.get(urn)
        if r is not None and r.type == "aws:ecs/taskDefinition:TaskDefinition":
            return r
    return None


def _scaled_to_zero(ctx: _Ctx) -> set[str]:
    """URNs of ECS services that a scheduled action scales to 0 (business-hours schedule)."""
    services = [r for r in ctx.resources if r.type == "aws:ecs/service:Service"]
    out: set[str] = set()

    def match_id(resource_id: str) -> list[str]:
        parts = resource_id.split("/")
        if len(parts) != 3 or parts[0] != "service":
            return []
        name = parts[2]
        hits = []
        for s in services:
            explicit = s.inputs.get("name")
            if (explicit and explicit == name) or s.name == name or name.startswith(s.name + "-"):
                hits.append(s.urn)
        return hits

    def via_deps(r: Res, depth: int = 0) -> list[str]:
        hits = []
        for urn in r.property_dependencies.get("resourceId", []):
            d = ctx.by_urn.get(urn)
            if d is None:
                continue
            if d.type == "aws:ecs/service:Service":
                hits.append(d.urn)
            elif d.type == "aws:appautoscaling/target:Target" and depth < 2:
                rid = d.inputs.get("resourceId")
                hits.extend(match_id(rid) if isinstance(rid, str) else via_deps(d, depth + 1))
        return hits

    for r in ctx.resources:
        if r.type != "aws:appautoscaling/scheduledAction:ScheduledAction":
            continue
        action = r.inputs.get("scalableTargetAction") or {}
        if _num(action.get("maxCapacity")) != 0:
            continue
        rid = r.inputs.get("resourceId")
        hits = match_id(rid) if isinstance(rid, str) else []
        out.update(hits or via_deps(r))
    return out


def _spot_share(svc: Res) -> float:
    """Share of the service's tasks on FARGATE_SPOT (capacity provider weights)."""
    strategies = _known_list(svc.inputs.get("capacityProviderStrategies")) or []
    weights = {s.get("capacityProvider"): _num(s.get("weight"), 0) or 0 for s in strategies if isinstance(s, dict)}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return weights.get("FARGATE_SPOT", 0) / total


@_pricer("aws:ecs/service:Service")
def _ecs_service(ctx: _Ctx, svc: Res) -> None:
    td = _find_task_definition(ctx, svc)
    if td is None:
        ctx.not_priced(svc, "task definition not found (taskDefinition input unresolved); tasks not priced")
        return
    launch = svc.inputs.get("launchType")
    if launch == "EC2" or launch == "EXTERNAL":
        ctx.not_priced(svc, f"launchType {launch}: capacity is priced on the instances, not modelled")
        return
    osf = ((td.inputs.get("runtimePlatform") or {}).get("operatingSystemFamily") or "LINUX")
    if osf != "LINUX":
        ctx.not_priced(svc, f"Fargate {osf} tasks are not in the catalog")
        return
    cpu, mem = _num(td.inputs.get("cpu")), _num(td.inputs.get("memory"))
    if cpu is None or mem is None:
        ctx.not_priced(svc, f"task definition {td.name} has no task-level cpu/memory")
        return
    count = _num(svc.inputs.get("desiredCount"))
    if count is None:
        count = 0.0
        ctx.assume(f"{svc.name}: desiredCount not set - priced at 0 tasks (the AWS provider default)")
    arch = (td.inputs.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64"
    scheduled = svc.urn in ctx.scheduled
    hours = ctx.sched_hours if scheduled else ctx.hours
    if scheduled:
        ctx.assume(f"scaled-to-zero services run {ctx.sched_desc} (from usage schedule)")
    spot_share = _spot_share(svc)
    vcpu, gb = cpu / 1024.0, mem / 1024.0
    base_attrs = {"service_urn": svc.urn, "arch": arch, "tasks": count, "hours": hours, "vcpu": vcpu,
                  "gb": gb, "scheduled": scheduled, "critical": str(_tags(svc.inputs).get("critical", "")).lower()}
    od = 1.0 - spot_share
    sched_txt = f", {hours:g} h" if scheduled else ""
    if od > 0:
        q = count * od
        ctx.add(svc, f"Fargate vCPU ({arch}, {q:g} task(s) x {vcpu:g} vCPU{sched_txt})", q * vcpu * hours,
                "vCPU-hour", f"fargate/vcpu-hour/{arch}", attrs={**base_attrs, "part": "vcpu", "spot": False},
                resource=svc.name)
        ctx.add(svc, f"Fargate memory ({arch}, {q:g} task(s) x {gb:g} GB{sched_txt})", q * gb * hours,
                "GB-hour", f"fargate/gb-hour/{arch}", attrs={**base_attrs, "part": "gb", "spot": False},
                resource=svc.name)
    if spot_share > 0:
        disc = ctx.cat.usd("fargate/spot-discount") or 0.0
        q = count * spot_share
        ctx.assume(f"Fargate Spot priced at x86 on-demand less {disc:.0%} (assumed; AWS: up to 70%)")
        for part, key, size, unit in (("vcpu", "fargate/vcpu-hour/X86_64", vcpu, "vCPU-hour"),
                                      ("gb", "fargate/gb-hour/X86_64", gb, "GB-hour")):
            line = ctx.add(svc, f"Fargate Spot {part} (X86_64, {q:g} task(s){sched_txt})", q * size * hours, unit,
                           key, attrs={**base_attrs, "part": part, "spot": True}, resource=svc.name)
            if line:
                line["unit_price"] *= (1 - disc)
                line["monthly_usd"] = line["quantity"] * line["unit_price"]
    sc = svc.inputs.get("serviceConnectConfiguration") or {}
    if _truthy(sc.get("enabled")) and sc.get("services"):
        ctx.add(svc, "Cloud Map registered instances (Service Connect)", count * hours / ctx.hours,
                "instance-month", "cloudmap/registered-instance-month", attrs={"service_urn": svc.urn},
                resource=svc.name)


# ---- data ----------------------------------------------------------------------
@_pricer("aws:rds/instance:Instance")
def _rds(ctx: _Ctx, r: Res) -> None:
    engine = str(r.inputs.get("engine") or "postgres").lower()
    cls = r.inputs.get("instanceClass")
    multi = _truthy(r.inputs.get("multiAz"))
    mode = "multi-az" if multi else "single-az"
    if engine != "postgres":
        ctx.not_priced(r, f"RDS engine {engine} is not in the catalog (PostgreSQL only)")
    elif not cls:
        ctx.not_priced(r, "instanceClass unknown")
    else:
        ctx.add(r, f"RDS PostgreSQL {cls} {'Multi-AZ' if multi else 'Single-AZ'}", ctx.hours, "instance-hour",
                f"rds/postgres/{cls}/{mode}", attrs={"class": cls, "multiAz": multi, "part": "instance"})
    storage_type = r.inputs.get("storageType")
    if not storage_type:
        storage_type = "gp2"
        ctx.assume("RDS storageType not set: priced as gp2 (the RDS API default); same list price as gp3 in us-east-1")
    gb = _num(r.inputs.get("allocatedStorage"), 0) or 0
    ctx.add(r, f"RDS storage {storage_type} {'Multi-AZ' if multi else 'Single-AZ'} ({gb:g} GB allocated)", gb,
            "GB-month", f"rds/storage/{storage_type}/{mode}",
            attrs={"storageType": storage_type, "multiAz": multi, "part": "storage",
                   "explicitType": bool(r.inputs.get("storageType"))})
    data_gb = ctx.use("database", "dataGbPerInstance")
    ceiling = _num(r.inputs.get("maxAllocatedStorage"), gb) or gb
    growth = max(0.0, min(data_gb, max(ceiling, gb)) - gb)
    if growth > 0:
        ctx.add(r, f"RDS storage autoscaled above allocation ({data_gb:g} GB data)", growth, "GB-month",
                f"rds/storage/{storage_type}/{mode}", kind="usage", attrs={"part": "storage-growth"})
    if _truthy(r.inputs.get("manageMasterUserPassword")):
        ctx.add(r, "Secrets Manager secret (RDS-managed master password)", 1, "secret-month",
                "secretsmanager/secret-month", attrs={"part": "master-secret"})
    if r.inputs.get("iops") and storage_type in ("io1", "io2"):
        ctx.not_priced(r, f"provisioned IOPS ({storage_type}) not in the catalog")


@_pricer("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster")
def _elasticache(ctx: _Ctx, r: Res) -> None:
    engine = str(r.inputs.get("engine") or "redis").lower()
    node = r.inputs.get("nodeType")
    if r.type.endswith("Cluster") and r.inputs.get("replicationGroupId") and not node:
        return  # a member of a replication group: priced on the group
    if r.type.endswith("ReplicationGroup"):
        n = _num(r.inputs.get("numCacheClusters"))
        if n is None:
            groups = _num(r.inputs.get("numNodeGroups"), 1) or 1
            replicas = _num(r.inputs.get("replicasPerNodeGroup"), 0) or 0
            n = groups * (replicas + 1)
    else:
        n = _num(r.inputs.get("numCacheNodes"), 1) or 1
    price_engine = "redis" if engine in ("redis", "memcached") else engine
    ctx.add(r, f"ElastiCache {engine} {node} x {n:g} node(s)", n * ctx.hours, "node-hour",
            f"elasticache/node-hour/{node}/{price_engine}", attrs={"engine": engine, "nodeType": node, "nodes": n})


@_pricer("aws:msk/cluster:Cluster")
def _msk(ctx: _Ctx, r: Res) -> None:
    n = _num(r.inputs.get("numberOfBrokerNodes"), 0) or 0
    info = r.inputs.get("brokerNodeGroupInfo") or {}
    itype = info.get("instanceType")
    ctx.add(r, f"MSK broker {itype} x {n:g}", n * ctx.hours, "broker-hour", f"msk/broker-hour/{itype}",
            attrs={"instanceType": itype, "brokers": n})
    vol = _num((((info.get("storageInfo") or {}).get("ebsStorageInfo") or {}).get("volumeSize")), None)
    if vol is None:
        vol = 1000.0
        ctx.assume("MSK volumeSize not set: priced at the 1000 GiB AWS default per broker")
    ctx.add(r, f"MSK broker storage ({n:g} x {vol:g} GB)", n * vol, "GB-month", "msk/storage/gb-month")


@_pricer("aws:mq/broker:Broker")
def _mq(ctx: _Ctx, r: Res) -> None:
    engine = str(r.inputs.get("engineType") or "ActiveMQ").lower()
    host = r.inputs.get("hostInstanceType")
    mode = r.inputs.get("deploymentMode") or "SINGLE_INSTANCE"
    if engine != "activemq":
        ctx.not_priced(r, f"Amazon MQ engine {engine} is not in the catalog (ActiveMQ only)")
        return
    ctx.add(r, f"Amazon MQ ActiveMQ {host} {mode}", ctx.hours, "broker-hour", f"mq/activemq/{host}/{mode}",
            attrs={"host": host, "mode": mode})
    storage = str(r.inputs.get("storageType") or "efs").lower()
    gb = ctx.use("mq", "storedGbPerBroker")
    if gb:
        ctx.add(r, f"Amazon MQ storage ({storage}, {gb:g} GB stored)", gb, "GB-month", f"mq/storage/{storage}",
                kind="usage")


@_pricer("aws:efs/fileSystem:FileSystem")
def _efs(ctx: _Ctx, r: Res) -> None:
    if (r.inputs.get("throughputMode") or "bursting") == "provisioned":
        ctx.not_priced(r, "EFS provisioned throughput is not in the catalog")
    gb = ctx.use("efs", "storedGbPerFileSystem")
    ctx.add(r, f"EFS Standard storage ({gb:g} GB stored)", gb, "GB-month", "efs/standard/gb-month", kind="usage")


# ---- network -------------------------------------------------------------------
AWSX_VPC = "awsx:ec2:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"


def _awsx_vpc_azs(ctx: _Ctx, vpc: Res) -> int:
    """AZs an awsx Vpc spans: its child subnets (real engine), else its inputs (mocks), else 3."""
    azs = {k.inputs.get("availabilityZone") for k in ctx.descendants(vpc.urn) if k.type == SUBNET}
    azs.discard(None)
    if azs:
        return len(azs)
    names = _known_list(vpc.inputs.get("availabilityZoneNames"))
    if names:
        return len(names)
    n = _num(vpc.inputs.get("numberOfAvailabilityZones"))
    return int(n) if n else 3  # awsx default (awsx/ec2/vpc.ts getDefaultAzs)


def _vpc_az_count(ctx: _Ctx) -> Optional[int]:
    vpc = next((r for r in ctx.resources if r.type == AWSX_VPC), None)
    return None if vpc is None else _awsx_vpc_azs(ctx, vpc)


def _stack_az_count(ctx: _Ctx) -> int:
    n = _vpc_az_count(ctx)
    if n is None:
        n = 2
        ctx.assume("AZ count unknown (no awsx Vpc): interface endpoints/ALB IPv4 priced for 2 AZs")
    return n


@_pricer("aws:ec2/natGateway:NatGateway")
def _nat(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "NAT gateway", ctx.hours, "NAT gateway-hour", "nat/hour")
    ctx.nat_seen = True


@_pricer("aws:ec2/eip:Eip")
def _eip(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "public IPv4 address (Elastic IP)", ctx.hours, "IPv4-hour", "ipv4/hour")


def _interface_endpoint(ctx: _Ctx, r: Res, service_name: str, azs: int, resource: str,
                        type_: Optional[str] = None) -> None:
    ctx.add(r, f"VPC interface endpoint {service_name} x {azs} AZ", azs * ctx.hours, "endpoint-AZ-hour",
            "vpce/interface/az-hour", resource=resource, type_=type_)
    ctx.vpce_seen = True


@_pricer("aws:ec2/vpcEndpoint:VpcEndpoint")
def _vpce(ctx: _Ctx, r: Res) -> None:
    etype = r.inputs.get("vpcEndpointType") or "Gateway"
    if etype == "Gateway":
        ctx.count_free(r.type + " (Gateway)")
        return
    if etype != "Interface":
        ctx.not_priced(r, f"VPC endpoint type {etype} is not in the catalog")
        return
    subnets = _known_list(r.inputs.get("subnetIds"))
    azs = len(subnets) if subnets else _stack_az_count(ctx)
    _interface_endpoint(ctx, r, str(r.inputs.get("serviceName") or "?").split(".")[-1], azs, r.name)


@_pricer("awsx:ec2:Vpc")
def _awsx_vpc(ctx: _Ctx, r: Res) -> None:
    """Price what awsx creates for this Vpc - only when none of its children is in the graph.

    Under mocks the remote component has no children, so its NAT gateways, their Elastic IPs
    and its vpcEndpointSpecs are priced from its inputs, with the names and types awsx 3.x gives
    them (`<vpc>-<az index>`, awsx/ec2/vpc.ts; read 2026-11).  Under the real engine the
    children are the truth, whatever the inputs say: they are priced by their own pricers and
    nothing is added here - also not for a kind that is absent (e.g. no NAT child although the
    strategy says OnePerAz), so inputs and children are never mixed and never counted twice.
    """
    if ctx.descendants(r.urn):
        return
    azs = _awsx_vpc_azs(ctx, r)
    nat_cfg = r.inputs.get("natGateways") if isinstance(r.inputs.get("natGateways"), dict) else {}
    strategy = nat_cfg.get("strategy") or "OnePerAz"  # awsx default (awsx/ec2/vpc.ts)
    nat_count = {"oneperaz": azs, "single": 1, "none": 0}.get(str(strategy).lower(), azs)
    # awsx creates an EIP per NAT gateway unless natGateways.elasticIpAllocationIds are given;
    # those addresses belong to another stack and are billed there.
    make_eips = not (nat_cfg.get("elasticIpAllocationIds") or [])
    for i in range(nat_count):
        child = f"{r.name}-{i + 1}"
        ctx.add(r, f"NAT gateway (awsx {strategy}, from Vpc inputs)", ctx.hours, "NAT gateway-hour", "nat/hour",
                resource=child, type_=NAT_GATEWAY)
        ctx.nat_seen = True
        if make_eips:
            ctx.add(r, "public IPv4 address (NAT Elastic IP, from Vpc inputs)", ctx.hours, "IPv4-hour",
                    "ipv4/hour", resource=child, type_=EIP)
    # vpcEndpointSpecs (the platform creates its endpoints outside awsx, as plain resources)
    for i, spec in enumerate(_known_list(r.inputs.get("vpcEndpointSpecs")) or []):
        if not isinstance(spec, dict):
            continue
        etype = spec.get("vpcEndpointType") or "Gateway"
        svc_name = str(spec.get("serviceName") or f"endpoint-{i + 1}").split(".")[-1]
        if etype == "Gateway":
            ctx.count_free("aws:ec2/vpcEndpoint:VpcEndpoint (Gateway)")
            continue
        if etype != "Interface":
            ctx.not_priced(r, f"vpcEndpointSpecs[{i}] type {etype} is not in the catalog")
            continue
        subnets = _known_list(spec.get("subnetIds"))
        _interface_endpoint(ctx, r, svc_name, len(subnets) if subnets else azs,
                            str(spec.get("serviceName") or svc_name), type_="aws:ec2/vpcEndpoint:VpcEndpoint")


@_pricer("aws:lb/loadBalancer:LoadBalancer")
def _lb(ctx: _Ctx, r: Res) -> None:
    lbtype = r.inputs.get("loadBalancerType") or "application"
    if lbtype != "application":
        ctx.not_priced(r, f"{lbtype} load balancer is not in the catalog")
        return
    ctx.add(r, "Application Load Balancer", ctx.hours, "ALB-hour", "alb/hour")
    lcu = ctx.use("alb", "lcuPerHour")
    if lcu:
        ctx.add(r, f"ALB LCUs ({lcu:g} LCU average)", lcu * ctx.hours, "LCU-hour", "alb/lcu-hour", kind="usage")
    if not _truthy(r.inputs.get("internal")):
        subnets = _known_list(r.inputs.get("subnets")) or _known_list(r.inputs.get("subnetMappings"))
        n = len(subnets) if subnets else _stack_az_count(ctx)
        ctx.add(r, f"public IPv4 addresses (internet-facing ALB, {n} AZ)", n * ctx.hours, "IPv4-hour",
                "ipv4/hour")


# ---- edge ----------------------------------------------------------------------
def _million_requests(ctx: _Ctx) -> float:
    return (_num(ctx.usage.get("requestsPerMonth"), 0) or 0) / 1e6


@_pricer("aws:apigateway/restApi:RestApi")
def _rest_api(ctx: _Ctx, r: Res) -> None:
    m = _million_requests(ctx)
    ctx.add(r, f"API Gateway REST requests ({m:g}M)", m, "million requests", "apigw/rest/million-requests",
            kind="usage")


@_pricer("aws:apigatewayv2/api:Api")
def _http_api(ctx: _Ctx, r: Res) -> None:
    proto = r.inputs.get("protocolType") or "HTTP"
    if proto != "HTTP":
        ctx.not_priced(r, f"API Gateway {proto} APIs are not in the catalog")
        return
    m = _million_requests(ctx)
    ctx.add(r, f"API Gateway HTTP requests ({m:g}M)", m, "million requests", "apigw/http/million-requests",
            kind="usage")


@_pricer("aws:cloudfront/distribution:Distribution")
def _cloudfront(ctx: _Ctx, r: Res) -> None:
    gb = ctx.use("cloudfront", "dataTransferOutGbPerMonth")
    ctx.add(r, f"CloudFront data transfer out ({gb:g} GB)", gb, "GB", "cloudfront/gb-out", kind="usage")
    req = (_num(ctx.usage.get("requestsPerMonth"), 0) or 0) / 1e4
    ctx.add(r, f"CloudFront HTTPS requests ({req * 1e4 / 1e6:g}M)", req, "10k requests",
            "cloudfront/https-10k-requests", kind="usage")


def _waf_rule_count(r: Res) -> Optional[int]:
    rules = r.inputs.get("rules")
    if isinstance(rules, list):
        return len(rules)
    rj = r.inputs.get("ruleJson")
    if isinstance(rj, str) and rj:
        try:
            return len(json.loads(rj))
        except ValueError:
            return None
    return 0 if rules is None and rj is None else None


@_pricer("aws:wafv2/webAcl:WebAcl")
def _waf(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "WAF web ACL", 1, "web ACL-month", "waf/web-acl-month")
    n = _waf_rule_count(r)
    if n is None:
        ctx.not_priced(r, "WAF rules unknown at preview; rule charges not priced")
    elif n:
        ctx.add(r, f"WAF rules ({n})", n, "rule-month", "waf/rule-month")
    m = _million_requests(ctx)
    ctx.add(r, f"WAF requests ({m:g}M)", m, "million requests", "waf/million-requests", kind="usage")


# ---- observability / security / delivery ---------------------------------------
@_pricer("aws:cloudwatch/metricAlarm:MetricAlarm")
def _alarm(ctx: _Ctx, r: Res) -> None:
    queries = _known_list(r.inputs.get("metricQueries")) or []
    metrics = sum(1 for q in queries if isinstance(q, dict) and q.get("metric")) or 1
    period = _num(r.inputs.get("period"))
    if period is None and queries:
        periods = [_num((q.get("metric") or {}).get("period")) for q in queries if isinstance(q, dict)]
        period = min([p for p in periods if p] or [60])
    high_res = period is not None and period < 60
    key = "cloudwatch/alarm-high-res-month" if high_res else "cloudwatch/alarm-standard-month"
    ctx.add(r, f"CloudWatch alarm ({'high-resolution' if high_res else 'standard'}, {metrics} metric(s))", metrics,
            "alarm metric-month", key)


@_pricer("aws:cloudwatch/compositeAlarm:CompositeAlarm")
def _composite(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "CloudWatch composite alarm", 1, "alarm-month", "cloudwatch/composite-alarm-month")


@_pricer("aws:cloudwatch/dashboard:Dashboard")
def _dashboard(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "CloudWatch dashboard", 1, "dashboard-month", "cloudwatch/dashboard-month")


@_pricer("aws:cloudwatch/logGroup:LogGroup")
def _log_group(ctx: _Ctx, r: Res) -> None:
    gb = ctx.use("logs", "ingestGbPerLogGroup")
    if not gb:
        return
    ctx.add(r, f"CloudWatch Logs ingestion ({gb:g} GB)", gb, "GB", "cloudwatch/logs-ingest-gb", kind="usage")
    days = _num(r.inputs.get("retentionInDays"), 0) or 0
    if days <= 0:
        days = 365
        ctx.assume("log groups without retention: storage priced for 12 months of data")
    stored = gb * days / 30.0
    ctx.add(r, f"CloudWatch Logs storage ({days:g} d retention, steady state)", stored, "GB-month",
            "cloudwatch/logs-storage-gb-month", kind="usage")


@_pricer("aws:secretsmanager/secret:Secret")
def _secret(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "Secrets Manager secret", 1, "secret-month", "secretsmanager/secret-month")


@_pricer("aws:acmpca/certificateAuthority:CertificateAuthority")
def _pca(ctx: _Ctx, r: Res) -> None:
    mode = r.inputs.get("usageMode") or "GENERAL_PURPOSE"
    ctx.add(r, f"AWS Private CA ({mode})", 1, "CA-month", f"privateca/{mode}/month", attrs={"mode": mode})
    certs = ctx.use("privateCa", "certificatesPerMonth")
    if certs:
        ctx.add(r, f"Private CA certificates issued ({certs:g})", certs, "certificate",
                f"privateca/{mode}/certificate", kind="usage")


@_pricer("aws:kms/key:Key")
def _kms(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "KMS customer managed key", 1, "key-month", "kms/key-month")


@_pricer("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
         "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace", "aws:route53/zone:Zone")
def _zone(ctx: _Ctx, r: Res) -> None:
    ctx.add(r, "Route 53 hosted zone", 1, "hosted zone-month", "route53/hosted-zone-month")


@_pricer("aws:ecr/repository:Repository")
def _ecr(ctx: _Ctx, r: Res) -> None:
    gb = ctx.use("ecr", "storedGbPerRepository")
    ctx.add(r, f"ECR storage ({gb:g} GB)", gb, "GB-month", "ecr/gb-month", kind="usage")


@_pricer("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
def _s3(ctx: _Ctx, r: Res) -> None:
    gb = ctx.use("s3", "storedGbPerBucket")
    ctx.add(r, f"S3 Standard storage ({gb:g} GB)", gb, "GB-month", "s3/standard/gb-month", kind="usage")


@_pricer("aws:codepipeline/pipeline:Pipeline")
def _pipeline(ctx: _Ctx, r: Res) -> None:
    ptype = r.inputs.get("pipelineType") or "V1"
    if ptype == "V2":
        minutes = ctx.use("codepipeline", "actionMinutesPerPipeline")
        ctx.add(r, f"CodePipeline V2 action minutes ({minutes:g})", minutes, "action-minute",
                "codepipeline/V2/action-minute", kind="usage")
    else:
        ctx.add(r, "CodePipeline V1 active pipeline", 1, "pipeline-month", "codepipeline/V1/pipeline-month")


@_pricer("aws:codebuild/project:Project")
def _codebuild(ctx: _Ctx, r: Res) -> None:
    compute = (r.inputs.get("environment") or {}).get("computeType") or "BUILD_GENERAL1_SMALL"
    minutes = ctx.use("codebuild", "buildMinutesPerProject")
    ctx.add(r, f"CodeBuild {compute} ({minutes:g} min)", minutes, "build minute", f"codebuild/{compute}/minute",
            kind="usage")


def _stack_usage_lines(ctx: _Ctx) -> None:
    """Usage that belongs to the stack, not to one resource (never multiplied by a count)."""
    anchor = next((r for r in ctx.resources if r.type == AWSX_VPC), None)
    nat_gb = ctx.use("nat", "processedGbPerMonth")
    if ctx.nat_seen and nat_gb:
        r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/natGateway:NatGateway")
        ctx.add(r, f"NAT gateway data processed ({nat_gb:g} GB)", nat_gb, "GB", "nat/gb", kind="usage",
                resource="nat-data-processing")
    ep_gb = ctx.use("vpcEndpoints", "processedGbPerMonth")
    if ctx.vpce_seen and ep_gb:
        r = anchor or next(r for r in ctx.resources if r.type == "aws:ec2/vpcEndpoint:VpcEndpoint")
        ctx.add(r, f"VPC interface endpoint data processed ({ep_gb:g} GB)", ep_gb, "GB", "vpce/interface/gb",
                kind="usage", resource="vpc-endpoint-data-processing")
    # X-Ray: traces of the sampled share of requests when any task runs an ADOT/X-Ray sidecar.
    tracing = [r for r in ctx.resources if r.type == "aws:ecs/taskDefinition:TaskDefinition"
               and re.search(r"aws-otel|adot|xray", str(r.inputs.get("containerDefinitions") or ""), re.I)]
    tracing += [r for r in ctx.resources if r.type in ("aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group")]
    frac = ctx.use("xray", "sampledFraction")
    if tracing and frac:
        m = _million_requests(ctx) * frac
        ctx.add(tracing[0], f"X-Ray traces recorded ({frac:.0%} of requests)", m, "million traces",
                "xray/million-traces", kind="usage", resource="xray-traces")
    metrics = ctx.use("cloudwatch", "customMetrics")
    if metrics and ctx.resources:
        ctx.add(ctx.resources[0], f"CloudWatch custom metrics ({metrics:g})", metrics, "metric-month",
                "cloudwatch/metric-month", kind="usage", resource="custom-metrics")
    fis = ctx.use("fis", "actionMinutesPerMonth")
    fis_res = next((r for r in ctx.resources if r.type == "aws:fis/experimentTemplate:ExperimentTemplate"), None)
    if fis and fis_res is not None:
        ctx.add(fis_res, f"FIS action minutes ({fis:g})", fis, "action-minute", "fis/action-minute", kind="usage",
                resource="fis-experiments")


def estimate(resources: list[Res], usage: Optional[Mapping[str, Any]] = None, region: Optional[str] = None,
             catalog: Optional[Catalog] = None) -> dict:
    """Monthly cost of a resource graph.  ``usage`` overrides :data:`DEFAULT_USAGE`."""
    reg = region or infer_region(resources)
    cat = catalog or load_catalog(reg)
    use = merge_usage(usage)
    ctx = _Ctx(resources, cat, use)
    sched = use.get("schedule") or {}
    hpd, dpm = _num(sched.get("hoursPerDay"), 8) or 8, _num(sched.get("daysPerMonth"), 22) or 22
    ctx.sched_hours = hpd * dpm
    ctx.sched_desc = f"{hpd:g} h x {dpm:g} days = {hpd * dpm:g} h a month"
    ctx.scheduled = _scaled_to_zero(ctx)
    for r in resources:
        pricer = PRICERS.get(r.type)
        if pricer is not None:
            pricer(ctx, r)
        elif r.type in FREE_TYPES:
            ctx.count_free(r.type)
        elif _is_component(r):
            if not r.type.startswith(("platform:", "pulumi:")) and not ctx.children.get(r.urn):
                ctx.not_priced(r, "remote component without children: its resources are not visible")
        else:
            ctx.not_priced(r, "resource type not in the cost model")
    _stack_usage_lines(ctx)

    lines = ctx.lines
    baseline = sum(l["monthly_usd"] for l in lines if l["kind"] == "baseline")
    usage_total = sum(l["monthly_usd"] for l in lines if l["kind"] == "usage")
    by_tier: dict[str, float] = {}
    by_service: dict[str, float] = {}
    for l in lines:
        by_tier[l["tier"]] = by_tier.get(l["tier"], 0.0) + l["monthly_usd"]
        by_service[l["service"]] = by_service.get(l["service"], 0.0) + l["monthly_usd"]
    unpriced_types: dict[str, int] = {}
    for u in ctx.unpriced:
        unpriced_types[u["type"]] = unpriced_types.get(u["type"], 0) + 1
    return {
        "region": cat.region,
        "requested_region": reg,
        "catalog_date": cat.date,
        "hours_per_month": cat.hours_per_month,
        "lines": lines,
        "totals": {"baseline_usd": baseline, "usage_usd": usage_total, "total_usd": baseline + usage_total},
        "by_tier": dict(sorted(by_tier.items(), key=lambda kv: -kv[1])),
        "by_service": dict(sorted(by_service.items(), key=lambda kv: -kv[1])),
        "unpriced": ctx.unpriced,
        "unpriced_types": unpriced_types,
        "free_types": dict(sorted(ctx.free.items())),
        "assumptions": ctx.assumptions + cat.warnings,
        "usage": use,
    }


def top_drivers(est: Mapping[str, Any], n: int = 5) -> list[dict]:
    """The n largest cost drivers, grouped by resource."""
    agg: dict[tuple, float] = {}
    for l in est["lines"]:
        key = (l["tier"], l["service"], l["resource"], l["type"].split(":")[-1])
        agg[key] = agg.get(key, 0.0) + l["monthly_usd"]
    ranked = sorted(agg.items(), key=lambda kv: -kv[1])[:n]
    return [{"tier": k[0], "service": k[1], "resource": k[2], "type": k[3], "monthly_usd": v} for k, v in ranked]


# --------------------------------------------------------------------------- budget
def budget_verdict(total_usd: float, max_usd: float, warn_at_percent: float = 80.0) -> Optional[str]:
    """None (fine), "warn" (>= warn threshold) or "over" (> cap)."""
    if max_usd is None or max_usd <= 0:
        return None
    if total_usd > max_usd:
        return "over"
    if total_usd >= max_usd * warn_at_percent / 100.0:
        return "warn"
    return None


def budget_message(est: Mapping[str, Any], max_usd: float, warn_at_percent: float = 80.0) -> str:
    t = est["totals"]
    pct = 100.0 * t["total_usd"] / max_usd if max_usd else 0.0
    drivers = "; ".join(f"{d['resource']} ({d['type']}, {d['tier']}) ${d['monthly_usd']:,.2f}"
                        for d in top_drivers(est, 5))
    msg = (f"Estimated monthly cost ${t['total_usd']:,.2f} (baseline ${t['baseline_usd']:,.2f} + usage "
           f"${t['usage_usd']:,.2f}) is {pct:.1f}% of the cap ${max_usd:,.2f} (warn at {warn_at_percent:g}%). "
           f"Top cost drivers: {drivers}.")
    if est.get("unpriced_types"):
        msg += " Not priced: " + ", ".join(f"{k} x{v}" for k, v in sorted(est["unpriced_types"].items())) + "."
    msg += f" Prices: {est['region']} catalog {est['catalog_date']}."
    return msg


# --------------------------------------------------------------------------- advice
_GRAVITON_RDS = {"db.t3.": "db.t4g.", "db.m5.": "db.m6g.", "db.m6i.": "db.m7g.", "db.r5.": "db.r6g."}
_GRAVITON_CACHE = {"cache.t3.": "cache.t4g.", "cache.m5.": "cache.m6g.", "cache.r5.": "cache.r6g."}
_GRAVITON_MSK = {"kafka.m5.": "kafka.m7g."}


def _swap(value: str, table: Mapping[str, str]) -> Optional[str]:
    for old, new in table.items():
        if value.startswith(old):
            return new + value[len(old):]
    return None


def advice(est: Mapping[str, Any], catalog: Optional[Catalog] = None) -> dict[str, list[dict]]:
    """Cost-optimisation findings: {kind: [{urn, resource, message, monthly_saving_usd}]}.

    kinds: graviton, gp3, valkey, commitments, spot.  Savings use the same catalog.
    """
    cat = catalog or load_catalog(est["region"])
    out: dict[str, list[dict]] = {"graviton": [], "gp3": [], "valkey": [], "commitments": [], "spot": []}
    fargate_by_svc: dict[str, list[dict]] = {}
    for l in est["lines"]:
        if l["price_key"].startswith("fargate/"):
            fargate_by_svc.setdefault(l["urn"], []).append(l)
    # Graviton: Fargate x86 -> ARM64
    for urn, ls in fargate_by_svc.items():
        od = [l for l in ls if not l["attrs"].get("spot")]
        x86 = [l for l in od if l["attrs"].get("arch") == "X86_64"]
        if x86:
            saving = sum(l["quantity"] * (l["unit_price"] - (cat.usd(l["price_key"].replace("X86_64", "ARM64"))
                                                             or l["unit_price"])) for l in x86)
            if saving > 0.005:
                out["graviton"].append({"urn": urn, "resource": x86[0]["resource"], "monthly_saving_usd": saving,
                                        "message": f"{x86[0]['resource']}: run the task as ARM64 (Graviton) - saves "
                                                   f"${saving:,.2f}/month (Fargate ARM $0.03238/vCPU-h vs x86 "
                                                   f"$0.04048)."})
    for l in est["lines"]:
        key, a = l["price_key"], l["attrs"]
        table = (_GRAVITON_RDS if key.startswith("rds/postgres/") else _GRAVITON_CACHE
                 if key.startswith("elasticache/") else _GRAVITON_MSK if key.startswith("msk/broker-hour/") else None)
        if table:
            current = a.get("class") or a.get("nodeType") or a.get("instanceType") or ""
            alt = _swap(current, table)
            alt_price = cat.usd(key.replace(current, alt)) if alt else None
            if alt and alt_price is not None and alt_price < l["unit_price"]:
                saving = l["quantity"] * (l["unit_price"] - alt_price)
                out["graviton"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                        "message": f"{l['resource']}: {current} -> {alt} (Graviton) saves "
                                                   f"${saving:,.2f}/month."})
        if key.startswith("rds/storage/gp2/") and a.get("part") == "storage":
            alt_price = cat.usd(key.replace("/gp2/", "/gp3/"))
            if alt_price is not None:
                saving = l["quantity"] * (l["unit_price"] - alt_price)
                how = "storageType is gp2" if a.get("explicitType") else "storageType is unset (RDS default gp2)"
                out["gp3"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                   "message": f"{l['resource']}: {how}; set storageType=gp3 - saves "
                                              f"${saving:,.2f}/month at {cat.region} list prices and gives a "
                                              f"3,000 IOPS / 125 MiB/s baseline at any size."})
        if key.startswith("elasticache/") and key.endswith("/redis") and a.get("engine") == "redis":
            alt_price = cat.usd(key[: -len("redis")] + "valkey")
            if alt_price is not None:
                saving = l["quantity"] * (l["unit_price"] - alt_price)
                out["valkey"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                      "message": f"{l['resource']}: engine redis -> valkey (same API, 20% lower "
                                                 f"node price) saves ${saving:,.2f}/month."})
    # Commitments: Compute Savings Plan on always-on Fargate, reserved RDS / ElastiCache.
    sp = cat.usd("discount/compute-savings-plan-1yr") or 0
    ri_rds = cat.usd("discount/rds-reserved-1yr") or 0
    ri_cache = cat.usd("discount/elasticache-reserved-1yr") or 0
    fargate_od = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("fargate/")
                     and not l["attrs"].get("spot") and not l["attrs"].get("scheduled"))
    rds = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("rds/postgres/"))
    cache = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("elasticache/"))
    parts = [(fargate_od * sp, f"Compute Savings Plan 1-yr on always-on Fargate ${fargate_od:,.2f} x {sp:.0%}"),
             (rds * ri_rds, f"RDS reserved instances 1-yr on ${rds:,.2f} x {ri_rds:.0%}"),
             (cache * ri_cache, f"ElastiCache reserved nodes 1-yr on ${cache:,.2f} x {ri_cache:.0%}")]
    total = sum(p[0] for p in parts)
    if total > 0.005:
        out["commitments"].append({"urn": None, "resource": "stack", "monthly_saving_usd": total,
                                   "message": "Commitment estimate (no upfront, 1 year; planning rates, confirm in "
                                              "Cost Explorer): " + "; ".join(f"{d} = ${s:,.2f}" for s, d in parts
                                                                             if s > 0)
                                              + f". Total ~${total:,.2f}/month."})
    # Spot for non-critical services (tag critical=false), not yet on Spot.
    disc = cat.usd("fargate/spot-discount") or 0
    for urn, ls in fargate_by_svc.items():
        od = [l for l in ls if not l["attrs"].get("spot")]
        if not od or od[0]["attrs"].get("critical") != "false":
            continue
        current = sum(l["monthly_usd"] for l in od)
        spot = sum(l["quantity"] * (cat.usd(f"fargate/{l['attrs']['part']}-hour/X86_64")
                                    or 0) * (1 - disc) for l in od)
        saving = current - spot
        if saving > 0.005:
            arch = od[0]["attrs"].get("arch")
            note = " (Spot is x86 only: the image must run on X86_64)" if arch == "ARM64" else ""
            out["spot"].append({"urn": urn, "resource": od[0]["resource"], "monthly_saving_usd": saving,
                                "message": f"{od[0]['resource']} is not critical: FARGATE_SPOT capacity provider saves "
                                           f"~${saving:,.2f}/month at {disc:.0%} off x86 (AWS: up to 70%){note}."})
    return out


__all__ = ["Res", "from_plan", "from_policy_resources", "infer_region", "Catalog", "load_catalog", "estimate",
           "merge_usage", "top_drivers", "budget_verdict", "budget_message", "advice", "DEFAULT_USAGE",
           "FREE_TYPES", "PRICERS", "DEFAULT_REGION"]
