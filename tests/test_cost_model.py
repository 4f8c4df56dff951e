"""The cost model: golden figures for plans that mirror the committed stacks, computed
by hand from policies/pricing/us-east-1.json (730 h/month), plus the model's rules
(Multi-AZ flip, awsx no double count, schedule, unpriced types, adapters).
Per-pricer hand checks: tests/test_cost_pricers.py; schedule and peak: test_cost_schedule.py;
every allowed class priced and fail closed: test_cost_catalog.py.

``build_plan(stack)`` is also used by tests/test_cost_report.py and test_cost_policy.py.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

from platform_policies import cost_model

ROOT = Path(__file__).resolve().parent.parent

H = 730  # hours a month (catalog hoursPerMonth)
SEVEN = ["gateway", "user", "order", "inventory", "payment", "notification", "stream-processor"]
SEED_SIZES = {"gateway": (256, 512), "user": (512, 1024), "order": (256, 512), "inventory": (512, 1024),
              "payment": (256, 512), "notification": (256, 512), "stream-processor": (512, 1024)}
PROFILE = {
    "prod": dict(az=3, nat="OnePerAz", tasks=3, sizes=SEED_SIZES, arch="ARM64", schedule=False,
                 db_class="db.t3.medium", db_multi_az=True, db_gb=100, db_max=500, cache_node="cache.t4g.small",
                 cache_nodes=2, msk_type="kafka.m5.large", msk_gb=100, mq_host="mq.m5.large",
                 mq_mode="ACTIVE_STANDBY_MULTI_AZ", pca=True, retention=30, max_tasks=20, msk_max=1000),
    "dev": dict(az=2, nat="Single", tasks=1, sizes={s: (256, 512) for s in SEVEN}, arch="ARM64", schedule=True,
                db_class="db.t3.micro", db_multi_az=False, db_gb=20, db_max=100, cache_node="cache.t4g.micro",
                cache_nodes=1, msk_type="kafka.t3.small", msk_gb=20, mq_host="mq.t3.micro",
                mq_mode="SINGLE_INSTANCE", pca=False, retention=7, max_tasks=2, msk_max=100),
}
USAGE = {s: {k: v for k, v in json.loads((ROOT / "policies" / "usage" / f"{s}.json").read_text()).items()
             if not k.startswith("_")} for s in ("prod", "dev")}


# Types the provider gives no tags input (the schema stage, and `cost --plan`, refuse tags on them).
UNTAGGABLE = {"aws:efs/mountTarget:MountTarget", "aws:cloudwatch/dashboard:Dashboard"}


class _Plan:
    def __init__(self, stack: str):
        self.stack = stack
        self.resources: list[dict] = []

    def add(self, type_: str, name: str, inputs: Optional[dict] = None, parent: Optional[str] = None,
            tier: Optional[str] = None, service: str = "platform", custom: bool = True, **extra: Any) -> str:
        urn = f"urn:pulumi:{self.stack}::microservices-platform::{type_}::{name}"
        inputs = dict(inputs or {})
        if tier and custom and not type_.startswith("pulumi:") and type_ not in UNTAGGABLE:
            inputs.setdefault("tags", {"tier": tier, "service": service, "stack": self.stack,
                                       "cost-center": "platform-engineering"})
        r = {"urn": urn, "type": type_, "name": name, "parent": parent, "inputs": inputs, "custom": custom,
             "dependencies": [], "propertyDependencies": {}, "protect": False, "provider": ""}
        r.update(extra)
        self.resources.append(r)
        return urn


def build_plan(stack: str = "prod", **over: Any) -> dict:
    """A plan dict mirroring a committed stack (the preflight plan format; no awsx children, as under mocks)."""
    p = {**PROFILE[stack], **over}
    plan = _Plan(stack)
    a = plan.add
    a("pulumi:providers:aws", "default", {"region": "us-east-1"})
    # network
    net = a("platform:network:Network", "network", custom=False)
    a("awsx:ec2:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16", "numberOfAvailabilityZones": p["az"],
                              "natGateways": {"strategy": p["nat"]},
                              "vpcEndpointSpecs": [
                                  {"serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway"},
                                  {"serviceName": "com.amazonaws.us-east-1.ecr.api", "vpcEndpointType": "Interface"},
                                  {"serviceName": "com.amazonaws.us-east-1.ecr.dkr", "vpcEndpointType": "Interface"}],
                              "tags": {"tier": "network", "service": "platform"}},
      parent=net, custom=False, remote=True)
    for sg in ("alb", "tasks", "data"):
        a("aws:ec2/securityGroup:SecurityGroup", f"{sg}-sg", {}, parent=net, tier="network")
    # compute
    comp = a("platform:compute:Compute", "compute", custom=False)
    a("aws:ecs/cluster:Cluster", "cluster", {"name": f"microservices-{stack}",
                                             "settings": [{"name": "containerInsights", "value": "enabled"}]},
      parent=comp, tier="compute")
    a("aws:servicediscovery/httpNamespace:HttpNamespace", "namespace", {}, parent=comp, tier="compute")
    for svc in SEVEN:
        cpu, mem = p["sizes"][svc]
        family = f"{stack}-{svc}"
        containers = json.dumps([{"name": svc, "image": f"{svc}:latest"},
                                 {"name": "adot-collector", "image": "public.ecr.aws/aws-observability/aws-otel-collector"}])
        td = a("aws:ecs/taskDefinition:TaskDefinition", f"{svc}-task",
               {"family": family, "cpu": str(cpu), "memory": str(mem), "requiresCompatibilities": ["FARGATE"],
                "runtimePlatform": {"cpuArchitecture": p["arch"], "operatingSystemFamily": "LINUX"},
                "containerDefinitions": containers}, parent=comp, tier="compute", service=svc)
        tags = {"tier": "compute", "service": svc, "stack": stack}
        if svc == "notification":
            tags["critical"] = "false"
        s = a("aws:ecs/service:Service", f"{svc}-service",
              {"name": svc, "cluster": f"arn:aws:ecs:us-east-1:123456789012:cluster/microservices-{stack}",
               "desiredCount": p["tasks"], "launchType": "FARGATE",
               "taskDefinition": f"arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:1",
               "serviceConnectConfiguration": {"enabled": True, "namespace": "ns",
                                               "services": [{"portName": "http", **(
                                                   {"tls": {"issuerCertAuthority": {"awsPcaAuthorityArn": "arn:ca"}}}
                                                   if p["pca"] else {})}]},
               "tags": tags}, parent=comp, tier="compute", service=svc,
              propertyDependencies={"taskDefinition": [td]})
        plan.resources[-1]["dependencies"] = [td]
        scaling_tags = {"tier": "compute", "service": svc}
        a("aws:appautoscaling/target:Target", f"{svc}-scaling",
          {"resourceId": f"service/microservices-{stack}/{svc}", "minCapacity": p["tasks"],
           "maxCapacity": p["max_tasks"], "serviceNamespace": "ecs", "tags": scaling_tags},
          parent=comp, tier="compute", service=svc)
        if p["schedule"]:
            a("aws:appautoscaling/scheduledAction:ScheduledAction", f"{svc}-night",
              {"resourceId": f"service/microservices-{stack}/{svc}", "schedule": "cron(0 16 ? * MON-FRI *)",
               "timezone": "UTC", "scalableTargetAction": {"minCapacity": 0, "maxCapacity": 0}}, parent=comp)
            a("aws:appautoscaling/scheduledAction:ScheduledAction", f"{svc}-morning",
              {"resourceId": f"service/microservices-{stack}/{svc}", "schedule": "cron(0 8 ? * MON-FRI *)",
               "timezone": "UTC", "scalableTargetAction": {"minCapacity": 1, "maxCapacity": p["max_tasks"]}},
              parent=comp)
        a("aws:cloudwatch/logGroup:LogGroup", f"{svc}-logs", {"retentionInDays": p["retention"]}, parent=comp,
          tier="compute", service=svc)
        a("aws:ecr/repository:Repository", f"{svc}-repo", {}, parent=comp, tier="compute", service=svc)
        a("aws:iam/role:Role", f"{svc}-task-role", {}, parent=comp, tier="compute", service=svc)
    # edge
    edge = a("platform:edge:Edge", "edge", custom=False)
    a("aws:lb/loadBalancer:LoadBalancer", "alb",
      {"loadBalancerType": "application", "internal": False,
       "subnets": [f"subnet-pub{i}" for i in range(p["az"])]}, parent=edge, tier="edge")
    a("aws:lb/listener:Listener", "https", {}, parent=edge, tier="edge")
    a("aws:lb/targetGroup:TargetGroup", "gateway-tg", {}, parent=edge, tier="edge")
    a("aws:apigateway/restApi:RestApi", "api", {}, parent=edge, tier="edge")
    a("aws:apigateway/stage:Stage", "api-stage", {}, parent=edge, tier="edge")
    a("aws:wafv2/webAcl:WebAcl", "waf", {"scope": "CLOUDFRONT", "rules": [{"name": n} for n in
                                                                        ("rate", "common", "bad-inputs", "sqli")]},
      parent=edge, tier="edge")
    a("aws:cloudfront/distribution:Distribution", "cdn", {}, parent=edge, tier="edge")
    a("aws:acm/certificate:Certificate", "cert", {}, parent=edge, tier="edge")
    # data
    data = a("platform:data:Data", "data", custom=False)
    for owner in ("user", "order", "inventory"):
        a("aws:rds/instance:Instance", f"{owner}-db",
          {"engine": "postgres", "instanceClass": p["db_class"], "multiAz": p["db_multi_az"],
           "allocatedStorage": p["db_gb"], "maxAllocatedStorage": p["db_max"], "storageType": "gp3",
           "manageMasterUserPassword": True}, parent=data, tier="data", service=owner)
    a("aws:rds/subnetGroup:SubnetGroup", "db-subnets", {}, parent=data, tier="data")
    a("aws:elasticache/replicationGroup:ReplicationGroup", "cache",
      {"engine": "redis", "nodeType": p["cache_node"], "numCacheClusters": p["cache_nodes"]},
      parent=data, tier="data", service="inventory")
    a("aws:efs/fileSystem:FileSystem", "shared", {"encrypted": True}, parent=data, tier="data")
    a("aws:efs/mountTarget:MountTarget", "shared-mt-0", {}, parent=data, tier="data")
    # messaging
    msg = a("platform:messaging:Messaging", "messaging", custom=False)
    kafka = a("aws:msk/cluster:Cluster", "kafka",
              {"numberOfBrokerNodes": p["az"], "brokerNodeGroupInfo": {
                  "instanceType": p["msk_type"], "storageInfo": {"ebsStorageInfo": {"volumeSize": p["msk_gb"]}}}},
              parent=msg, tier="messaging")
    a("aws:appautoscaling/target:Target", "kafka-storage",
      {"resourceId": None, "serviceNamespace": "kafka", "scalableDimension": "kafka:broker-storage:VolumeSize",
       "minCapacity": 1, "maxCapacity": p["msk_max"]}, parent=msg, tier="messaging",
      propertyDependencies={"resourceId": [kafka]})
    a("aws:mq/broker:Broker", "broker", {"engineType": "ActiveMQ", "hostInstanceType": p["mq_host"],
                                         "deploymentMode": p["mq_mode"], "storageType": "efs"},
      parent=msg, tier="messaging", service="payment")
    a("aws:secretsmanager/secret:Secret", "broker-credentials", {}, parent=msg, tier="messaging", service="payment")
    # observability: 7 CPU + 5 x 5xx + 2 ALB + 3 RDS + 1 cache = 18 standard alarms, 1 dashboard
    obs = a("platform:observability:Observability", "observability", custom=False)
    alarms = [f"{s}-cpu" for s in SEVEN] + [f"{s}-5xx" for s in SEVEN[:5]] + ["alb-5xx", "alb-latency"] + \
        [f"{o}-db-conn" for o in ("user", "order", "inventory")] + ["cache-cpu"]
    for n in alarms:
        a("aws:cloudwatch/metricAlarm:MetricAlarm", n, {"period": 60}, parent=obs, tier="observability")
    a("aws:cloudwatch/dashboard:Dashboard", "dashboard", {}, parent=obs, tier="observability")
    a("aws:sns/topic:Topic", "alarms", {}, parent=obs, tier="observability")
    # security: Service Connect TLS CA (short-lived certificate mode)
    if p["pca"]:
        sec = a("platform:security:Security", "security", custom=False)
        a("aws:acmpca/certificateAuthority:CertificateAuthority", "service-connect-ca",
          {"type": "ROOT", "usageMode": "SHORT_LIVED_CERTIFICATE"}, parent=sec, tier="security")
    # delivery: one V2 pipeline + build project per service, one artifact bucket
    dlv = a("platform:delivery:Delivery", "delivery", custom=False)
    a("aws:s3/bucketV2:BucketV2", "artifacts", {}, parent=dlv, tier="delivery")
    for svc in SEVEN:
        a("aws:codepipeline/pipeline:Pipeline", f"{svc}-pipeline", {"pipelineType": "V2"}, parent=dlv,
          tier="delivery", service=svc)
        a("aws:codebuild/project:Project", f"{svc}-build",
          {"environment": {"computeType": "BUILD_GENERAL1_SMALL", "type": "ARM_CONTAINER"}},
          parent=dlv, tier="delivery", service=svc)
    # chaos + cost
    a("aws:fis/experimentTemplate:ExperimentTemplate", "az-outage", {}, tier="chaos")
    bud = a("platform:cost:Budget", "budget", custom=False)
    a("aws:budgets/budget:Budget", "budget-monthly", {}, parent=bud, tier="cost")
    return {"stack": stack, "project": "microservices-platform", "region": "us-east-1",
            "resources": plan.resources}


def run(plan: dict, usage: Optional[dict] = None) -> dict:
    stack = plan["stack"]
    return cost_model.estimate(cost_model.from_plan(plan), usage=USAGE[stack] if usage is None else usage)


def by_component(est: dict, prefix: str) -> float:
    return sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith(prefix))


# --------------------------------------------------------------------------- golden
PROD_EXPECTED = {
    # network: awsx Vpc priced from inputs (mocks: no children), 3 AZ, OnePerAz, 2 interface endpoints
    "nat/hour": 3 * H * 0.045,                     # 98.55
    "ipv4/hour": (3 + 3) * H * 0.005,              # 3 NAT EIPs + 3 ALB nodes = 21.90
    "vpce/interface/az-hour": 2 * 3 * H * 0.01,    # 43.80
    "nat/gb": 100 * 0.045,                         # 4.50 usage
    "vpce/interface/gb": 50 * 0.01,                # 0.50 usage
    # compute: 7 services x 3 tasks ARM64; 4 x (0.25 vCPU, 0.5 GB) + 3 x (0.5 vCPU, 1 GB) = 2.5 vCPU, 5 GB per set
    "fargate/vcpu-hour": 3 * 2.5 * H * 0.03238,    # 5475 vCPU-h -> 177.2805
    "fargate/gb-hour": 3 * 5.0 * H * 0.00356,      # 10950 GB-h -> 38.982
    "cloudmap/": 21 * 0.10,                        # 21 Service Connect instances -> 2.10
    # Container Insights on: 12 cluster + 15 x 7 service + 10 x 7 task-family metrics = 187 x $0.30
    "cloudwatch/metric-month": (12 + 15 * 7 + 10 * 7) * 0.30,  # 56.10
    "cloudwatch/logs-ingest-gb": 7 * 2 * 0.50,     # 7.00 usage
    "cloudwatch/logs-storage-gb-month": 7 * 2 * 30 / 30 * 0.03,  # 0.42 usage
    "ecr/": 7 * 1 * 0.10,                          # 0.70 usage
    # edge
    "alb/hour": H * 0.0225,                        # 16.425
    "alb/lcu-hour": 1 * H * 0.008,                 # 5.84 usage
    "apigw/rest": 10 * 3.50,                       # 35.00 usage
    "waf/web-acl-month": 5.0,
    "waf/rule-month": 4 * 1.0,
    "waf/million-requests": 10 * 0.60,             # 6.00 usage
    "cloudfront/gb-out": 100 * 0.085,              # 8.50 usage
    "cloudfront/https-10k-requests": 1000 * 0.01,  # 10.00 usage
    # data
    "rds/postgres/": 3 * 2 * H * 0.072,            # db.t3.medium Multi-AZ = 2 instances -> 315.36
    "rds/storage/": 3 * 2 * 100 * 0.115,           # gp3 Multi-AZ = 2 x 100 GB -> 69.00
    # 3 RDS-managed master secrets + broker credentials + 7 Service Connect TLS secrets -> 4.40
    "secretsmanager/": 3 * 0.40 + 0.40 + 7 * 0.40,
    "elasticache/": 2 * H * 0.032,                 # cache.t4g.small x 2 -> 46.72
    "efs/": 50 * 0.30,                             # 15.00 usage
    # messaging
    "msk/broker-hour": 3 * H * 0.21,               # 459.90
    "msk/storage": 3 * 100 * 0.10,                 # 30.00
    "mq/activemq": 2 * H * 0.288,                  # active/standby = 2 brokers -> 420.48
    "mq/storage": 5 * 0.30,                        # 1.50 usage
    # observability / security / delivery
    "cloudwatch/alarm-standard-month": 18 * 0.10,  # 1.80
    "cloudwatch/dashboard-month": 3.0,
    "xray/": 10 * 0.05 * 5.0,                      # 0.5M traces -> 2.50 usage
    "privateca/SHORT_LIVED_CERTIFICATE/month": 50.0,
    "privateca/SHORT_LIVED_CERTIFICATE/certificate": 150 * 0.058,  # 8.70 usage
    "codepipeline/V2": 7 * 300 * 0.002,            # 4.20 usage
    "codebuild/": 7 * 100 * 0.0034,                # arm1.small -> 2.38 usage
    "s3/": 5 * 0.023,                              # 0.115 usage
}
PROD_BASELINE = (98.55 + 21.90 + 43.80 + 177.2805 + 38.982 + 2.10 + 56.10 + 16.425 + 5.0 + 4.0 + 315.36 + 69.00
                 + 4.40 + 46.72 + 459.90 + 30.00 + 420.48 + 1.80 + 3.0 + 50.0)   # = 1864.7975
PROD_USAGE = (4.50 + 0.50 + 7.00 + 0.42 + 0.70 + 5.84 + 35.00 + 6.00 + 8.50 + 10.00 + 15.00 + 1.50 + 2.50 + 8.70
              + 4.20 + 2.38 + 0.115)                                             # = 112.855
# Peak: 20 tasks per service instead of 3 (Fargate x 20/3, 140 Cloud Map instances), RDS storage at its
# 500 GB ceiling (3 x 2 x 500 x 0.115 = 345.00), MSK storage at its 1000 GB target (3 x 1000 x 0.10 = 300.00)
PROD_PEAK = (PROD_BASELINE + PROD_USAGE + (177.2805 + 38.982) * (20 / 3 - 1) + 140 * 0.10 - 2.10
             + 345.00 - 69.00 + 300.00 - 30.00)                                   # = 3761.04

# 8 h on MON-FRI: 5 days a week x 365 / 12 / 7 weeks = 21.73 days -> 173.81 h a month; services scaled
# to 0 outside business hours
DEV_SCHED_H = 8 * 5 * 365 / 12 / 7
DEV_EXPECTED = {
    "nat/hour": 1 * H * 0.045,                     # Single NAT -> 32.85
    "ipv4/hour": (1 + 2) * H * 0.005,              # 1 NAT EIP + 2 ALB nodes -> 10.95
    "vpce/interface/az-hour": 2 * 2 * H * 0.01,    # 29.20
    "nat/gb": 10 * 0.045,                          # 0.45 usage
    "vpce/interface/gb": 5 * 0.01,                 # 0.05 usage
    "fargate/vcpu-hour": 7 * 0.25 * DEV_SCHED_H * 0.03238,  # 304.17 vCPU-h -> 9.848917
    "fargate/gb-hour": 7 * 0.5 * DEV_SCHED_H * 0.00356,     # 608.33 GB-h -> 2.165667
    "cloudmap/": 7 * DEV_SCHED_H / H * 0.10,       # 0.166667
    # Container Insights metrics are billed for the hours they are published: 187 x 173.81/730 x $0.30
    "cloudwatch/metric-month": 187 * DEV_SCHED_H / H * 0.30,  # 13.357143
    "cloudwatch/logs-ingest-gb": 7 * 0.5 * 0.50,   # 1.75 usage
    "cloudwatch/logs-storage-gb-month": 7 * 0.5 * 7 / 30 * 0.03,  # 0.0245 usage
    "ecr/": 7 * 1 * 0.10,                          # 0.70 usage
    "alb/hour": H * 0.0225,                        # 16.425
    "alb/lcu-hour": 0.1 * H * 0.008,               # 0.584 usage
    "apigw/rest": 1 * 3.50,                        # 3.50 usage
    "waf/web-acl-month": 5.0,
    "waf/rule-month": 4.0,
    "waf/million-requests": 1 * 0.60,              # 0.60 usage
    "cloudfront/gb-out": 5 * 0.085,                # 0.425 usage
    "cloudfront/https-10k-requests": 100 * 0.01,   # 1.00 usage
    "rds/postgres/": 3 * H * 0.018,                # db.t3.micro Single-AZ -> 39.42
    "rds/storage/": 3 * 20 * 0.115,                # 6.90 (5 GB data < 20 GB allocated: no growth)
    "secretsmanager/": 4 * 0.40,                   # 1.60
    "elasticache/": 1 * H * 0.016,                 # cache.t4g.micro -> 11.68
    "efs/": 5 * 0.30,                              # 1.50 usage
    "msk/broker-hour": 2 * H * 0.0456,             # 66.576
    "msk/storage": 2 * 20 * 0.10,                  # 4.00
    "mq/activemq": H * 0.027,                      # mq.t3.micro single -> 19.71
    "mq/storage": 1 * 0.30,                        # 0.30 usage
    "cloudwatch/alarm-standard-month": 1.80,
    "cloudwatch/dashboard-month": 3.0,
    "xray/": 1 * 0.05 * 5.0,                       # 0.25 usage
    "privateca/": 0.0,                             # serviceConnectTls=false in dev
    "codepipeline/V2": 7 * 100 * 0.002,            # 1.40 usage
    "codebuild/": 7 * 50 * 0.0034,                 # arm1.small -> 1.19 usage
    "s3/": 1 * 0.023,                              # 0.023 usage
}
DEV_BASELINE = (32.85 + 10.95 + 29.20 + 9.848917 + 2.165667 + 0.166667 + 13.357143 + 16.425 + 5.0 + 4.0 + 39.42
                + 6.90 + 1.60 + 11.68 + 66.576 + 4.00 + 19.71 + 1.80 + 3.0)        # = 278.649394
DEV_USAGE = (0.45 + 0.05 + 1.75 + 0.0245 + 0.70 + 0.584 + 3.50 + 0.60 + 0.425 + 1.00 + 1.50 + 0.30 + 0.25 + 1.40
             + 1.19 + 0.023)                                                       # = 13.7465
# Peak: 2 tasks per service in the scheduled hours (Fargate and Cloud Map x 2), RDS at its 100 GB ceiling
# (3 x 100 x 0.115 = 34.50), MSK at its 100 GB target (2 x 100 x 0.10 = 20.00)
DEV_PEAK = (DEV_BASELINE + DEV_USAGE + 9.848917 + 2.165667 + 0.166667 + 34.50 - 6.90 + 20.00 - 4.00)  # = 348.18


@pytest.mark.parametrize("stack,expected,baseline,usage", [
    ("prod", PROD_EXPECTED, PROD_BASELINE, PROD_USAGE), ("dev", DEV_EXPECTED, DEV_BASELINE, DEV_USAGE)])
def test_golden_figures(stack, expected, baseline, usage):
    est = run(build_plan(stack))
    for prefix, usd in expected.items():
        assert by_component(est, prefix) == pytest.approx(usd, abs=1e-6), prefix
    assert est["totals"]["baseline_usd"] == pytest.approx(baseline, abs=1e-4)
    assert est["totals"]["usage_usd"] == pytest.approx(usage, abs=1e-4)
    assert est["totals"]["total_usd"] == pytest.approx(baseline + usage, abs=1e-4)
    # every line is quantity x unit price, and every priced line is covered by the golden table
    for l in est["lines"]:
        assert l["monthly_usd"] == pytest.approx(l["quantity"] * l["unit_price"])
        assert any(l["price_key"].startswith(p) for p in expected), l["price_key"]
    assert est["unpriced"] == []
    assert est["region"] == "us-east-1"


def test_golden_totals_rounded():
    assert round(PROD_BASELINE + PROD_USAGE, 2) == 1977.65
    assert round(DEV_BASELINE + DEV_USAGE, 2) == 292.40
    assert (round(PROD_PEAK, 2), round(DEV_PEAK, 2)) == (3761.04, 348.18)


@pytest.mark.parametrize("stack,peak", [("prod", PROD_PEAK), ("dev", DEV_PEAK)])
def test_golden_peak(stack, peak):
    est = run(build_plan(stack))
    assert est["totals"]["peak_usd"] == pytest.approx(peak, abs=1e-4)
    for l in est["lines"]:
        assert l["peak_usd"] == pytest.approx(l["peak_quantity"] * l["unit_price"])


def test_tiers_and_services_come_from_tags_and_components():
    est = run(build_plan("prod"))
    assert set(est["by_tier"]) == {"network", "compute", "edge", "data", "messaging", "observability", "security",
                                   "delivery"}
    nat = [l for l in est["lines"] if l["price_key"] == "nat/hour"]
    assert {l["tier"] for l in nat} == {"network"}
    order = [l for l in est["lines"] if l["service"] == "order" and l["price_key"].startswith("fargate/")]
    assert len(order) == 2
    # untagged child of a platform component takes the tier from the component type
    plan = build_plan("prod")
    plan["resources"].append({"urn": "urn:x::aws:kms/key:Key::k", "type": "aws:kms/key:Key", "name": "k",
                              "parent": "urn:pulumi:prod::microservices-platform::platform:data:Data::data",
                              "inputs": {}, "custom": True})
    kms = [l for l in run(plan)["lines"] if l["type"] == "aws:kms/key:Key"]
    assert kms[0]["tier"] == "data" and kms[0]["monthly_usd"] == pytest.approx(1.0)


# --------------------------------------------------------------------------- rules
def test_multi_az_flip_doubles_exactly_the_database_lines():
    single = run(build_plan("prod", db_multi_az=False))
    multi = run(build_plan("prod"))
    key = lambda l: (l["resource"], l["component"].replace("Multi-AZ", "X").replace("Single-AZ", "X"))  # noqa: E731
    a = {key(l): l["monthly_usd"] for l in single["lines"]}
    b = {key(l): l["monthly_usd"] for l in multi["lines"]}
    assert a.keys() == b.keys()
    changed = {k for k in a if abs(a[k] - b[k]) > 1e-9}
    assert {k[0] for k in changed} == {"user-db", "order-db", "inventory-db"}
    assert len(changed) == 6  # instance-hours + storage of each database
    for k in changed:
        assert b[k] == pytest.approx(2 * a[k])
    # instance: 3 x 730 x (0.144 - 0.072) = 157.68; storage: 3 x 100 x (0.23 - 0.115) = 34.50
    assert multi["totals"]["total_usd"] - single["totals"]["total_usd"] == pytest.approx(157.68 + 34.50)


def _with_vpc_children(plan: dict, nat: int, endpoints: list[str], az: int) -> dict:
    """The same plan as the real engine records it: awsx children present under the Vpc."""
    plan = copy.deepcopy(plan)
    vpc = next(r for r in plan["resources"] if r["type"] == "awsx:ec2:Vpc")
    kids = []
    for i in range(az):
        kids.append(("aws:ec2/subnet:Subnet", f"vpc-private-{i + 1}", {}))
        kids.append(("aws:ec2/subnet:Subnet", f"vpc-public-{i + 1}", {}))
    kids.append(("aws:ec2/vpc:Vpc", "vpc", {}))
    kids.append(("aws:ec2/internetGateway:InternetGateway", "vpc", {}))
    for i in range(nat):
        kids.append(("aws:ec2/eip:Eip", f"vpc-{i + 1}", {"domain": "vpc"}))
        kids.append(("aws:ec2/natGateway:NatGateway", f"vpc-{i + 1}", {"connectivityType": "public"}))
    for svc in endpoints:
        kids.append(("aws:ec2/vpcEndpoint:VpcEndpoint", f"vpc-{svc}",
                     {"serviceName": f"com.amazonaws.us-east-1.{svc}", "vpcEndpointType": "Interface",
                      "subnetIds": [f"subnet-{i}" for i in range(az)]}))
    kids.append(("aws:ec2/vpcEndpoint:VpcEndpoint", "vpc-s3",
                 {"serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway"}))
    for t, n, inputs in kids:
        plan["resources"].append({"urn": f"{vpc['urn']}${t}::{n}", "type": t, "name": n, "parent": vpc["urn"],
                                  "inputs": inputs, "custom": True})
    return plan


@pytest.mark.parametrize("stack,nat,az", [("prod", 3, 3), ("dev", 1, 2)])
def test_awsx_vpc_is_never_counted_twice(stack, nat, az):
    mocked = build_plan(stack)
    real = _with_vpc_children(mocked, nat, ["ecr.api", "ecr.dkr"], az)
    a, b = run(mocked), run(real)
    assert b["totals"]["total_usd"] == pytest.approx(a["totals"]["total_usd"])
    assert by_component(b, "nat/hour") == pytest.approx(nat * H * 0.045)
    assert by_component(b, "vpce/interface/az-hour") == pytest.approx(2 * az * H * 0.01)
    assert len([l for l in b["lines"] if l["price_key"] == "nat/gb"]) == 1  # stack-level, not per gateway
    # the real-engine lines hang on the children, not on the Vpc
    assert all(l["type"] != "awsx:ec2:Vpc" for l in b["lines"] if l["price_key"] == "nat/hour")


def test_awsx_vpc_children_win_over_inputs_also_for_an_absent_kind():
    """Once the Vpc has children (real engine) they are the truth: a kind awsx did not create
    (here: the endpoints of vpcEndpointSpecs) is not priced from the inputs either."""
    mocked = build_plan("prod")
    real = _with_vpc_children(mocked, 3, [], 3)
    real["resources"] = [r for r in real["resources"] if r["type"] != "aws:ec2/vpcEndpoint:VpcEndpoint"]
    # two interface endpoints x 3 AZ x 730 h x $0.01, and their 50 GB x $0.01 of data processing
    assert run(mocked)["totals"]["total_usd"] - run(real)["totals"]["total_usd"] == pytest.approx(43.80 + 0.50)
    # no NAT child although the inputs say OnePerAz: no NAT (and no NAT data) is priced
    no_nat = _with_vpc_children(mocked, 0, ["ecr.api", "ecr.dkr"], 3)
    assert by_component(run(no_nat), "nat/hour") == 0
    assert by_component(run(no_nat), "nat/gb") == 0


def test_single_nat_strategy_and_none():
    for strategy, n in (("Single", 1), ("None", 0)):
        est = run(build_plan("prod", nat=strategy))
        assert by_component(est, "nat/hour") == pytest.approx(n * H * 0.045)
        assert by_component(est, "nat/gb") == pytest.approx(4.5 if n else 0.0)


def test_schedule_prices_business_hours_only_for_scheduled_services():
    plan = build_plan("dev")
    # drop the schedule of one service: it runs 730 h
    plan["resources"] = [r for r in plan["resources"]
                         if not (r["type"].endswith("ScheduledAction") and r["name"].startswith("order-"))]
    est = run(plan)
    order = [l for l in est["lines"] if l["service"] == "order" and l["price_key"] == "fargate/vcpu-hour/ARM64"]
    gateway = [l for l in est["lines"] if l["service"] == "gateway" and l["price_key"] == "fargate/vcpu-hour/ARM64"]
    assert order[0]["quantity"] == pytest.approx(0.25 * H)
    assert gateway[0]["quantity"] == pytest.approx(0.25 * 173.810, rel=1e-5)  # 8 h x 5 x 365 / 84
    assert "scheduled: 8 h a day x 21.73 days" in gateway[0]["basis"]
    # the hours come from the plan, never from the usage profile (a stale "schedule" key is ignored)
    est2 = run(build_plan("dev"), {**USAGE["dev"], "schedule": {"hoursPerDay": 10, "daysPerMonth": 20}})
    assert by_component(est2, "fargate/vcpu-hour") == pytest.approx(7 * 0.25 * 173.810 * 0.03238, rel=1e-5)


def test_scheduled_action_matched_through_property_dependencies_when_resource_id_unknown():
    plan = build_plan("dev")
    svc_urn = {r["name"]: r["urn"] for r in plan["resources"]}
    for r in plan["resources"]:
        if r["type"].endswith("ScheduledAction"):
            owner = r["name"].rsplit("-", 1)[0]
            r["inputs"]["resourceId"] = None  # unknown at preview
            r["propertyDependencies"] = {"resourceId": [svc_urn[f"{owner}-service"]]}
    assert run(plan)["totals"]["total_usd"] == pytest.approx(DEV_BASELINE + DEV_USAGE, abs=1e-4)


def test_task_definition_matched_by_arn_family_without_dependencies():
    plan = build_plan("prod")
    for r in plan["resources"]:
        if r["type"] == "aws:ecs/service:Service":
            r["propertyDependencies"], r["dependencies"] = {}, []
    assert by_component(run(plan), "fargate/") == pytest.approx(177.2805 + 38.982)


def test_x86_and_spot_pricing():
    plan = build_plan("prod", arch="X86_64")
    est = run(plan)
    assert by_component(est, "fargate/vcpu-hour") == pytest.approx(5475 * 0.04048)
    assert by_component(est, "fargate/gb-hour") == pytest.approx(10950 * 0.004445)
    for r in plan["resources"]:
        if r["name"] == "notification-service":
            r["inputs"].pop("launchType")
            r["inputs"]["capacityProviderStrategies"] = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    est = run(plan)
    spot = [l for l in est["lines"] if l["attrs"].get("spot")]
    # 3 tasks x 0.25 vCPU x 730 h x 0.04048 x (1 - 0.5) + 3 x 0.5 GB x 730 x 0.004445 x 0.5
    assert sum(l["monthly_usd"] for l in spot) == pytest.approx(547.5 * 0.04048 * 0.5 + 1095 * 0.004445 * 0.5)


def test_unpriced_types_are_listed_never_zero():
    plan = build_plan("prod")
    plan["resources"].append({"urn": "urn:x::aws:lambda/function:Function::fn", "type": "aws:lambda/function:Function",
                              "name": "fn", "parent": None, "inputs": {}, "custom": True})
    plan["resources"].append({"urn": "urn:x::aws:rds/instance:Instance::legacy", "type": "aws:rds/instance:Instance",
                              "name": "legacy", "parent": None, "custom": True,
                              "inputs": {"engine": "postgres", "instanceClass": "db.x2iedn.32xlarge",
                                         "allocatedStorage": 10, "storageType": "gp3"}})
    plan["resources"].append({"urn": "urn:x::awsx:ecs:FargateService::svc", "type": "awsx:ecs:FargateService",
                              "name": "svc", "parent": None, "inputs": {}, "custom": False, "remote": True})
    est = run(plan)
    assert est["unpriced_types"] == {"aws:lambda/function:Function": 1, "aws:rds/instance:Instance": 1,
                                     "awsx:ecs:FargateService": 1}
    reasons = {u["resource"]: u["reason"] for u in est["unpriced"]}
    assert "db.x2iedn.32xlarge" in reasons["legacy"]
    # the known free types are classified, not unpriced
    assert est["free_types"]["aws:ec2/securityGroup:SecurityGroup"] == 3
    assert "aws:ecs/taskDefinition:TaskDefinition" in est["free_types"]


def test_region_from_provider_and_fallback_catalog():
    plan = build_plan("prod")
    res = cost_model.from_plan(plan)
    assert cost_model.infer_region(res) == "us-east-1"
    est = cost_model.estimate(res, usage=USAGE["prod"], region="eu-west-1")
    assert est["region"] == "us-east-1" and est["requested_region"] == "eu-west-1"
    assert any("no price catalog for eu-west-1" in a for a in est["assumptions"])
    # the fallback catalog's prices are not eu-west-1's: the region is unpriced (fail closed), named
    assert [(u["resource"], u["type"]) for u in est["unpriced"]] == [("region eu-west-1", "price catalog")]
    assert "no price catalog for eu-west-1 (policies/pricing/eu-west-1.json)" in est["unpriced"][0]["reason"]
    assert cost_model.estimate(res, usage=USAGE["prod"])["unpriced"] == []  # us-east-1 has its catalog
    no_provider = [r for r in res if r.type == "aws:rds/instance:Instance"]  # no region/ARN in their inputs
    no_provider.append(cost_model.Res("aws:acm/certificate:Certificate", "c", "urn:c",
                                      inputs={"arn": "arn:aws:acm:eu-central-1:123456789012:certificate/x"}))
    assert cost_model.infer_region(no_provider) == "eu-central-1"


def test_catalog_entries_carry_unit_source_and_date():
    data = json.loads((ROOT / "policies" / "pricing" / "us-east-1.json").read_text())
    assert data["hoursPerMonth"] == 730 and data["catalogDate"]
    for key, p in data["prices"].items():
        assert p["unit"] and p["source"] and p["date"], key
        assert "verify" not in p, key  # confirmed, or says what could not be checked ("unconfirmed")
        if p.get("notOffered"):
            assert p["usd"] is None, key
        else:
            assert isinstance(p["usd"], (int, float)) and p["usd"] >= 0, key
    for key, f in data["facts"].items():
        assert isinstance(f["value"], (int, float)) and f["unit"] and f["source"] and f["date"], key
    required = ["fargate/vcpu-hour/X86_64", "fargate/vcpu-hour/ARM64", "fargate/gb-hour/ARM64", "fargate/spot-discount",
                "rds/postgres/db.t3.medium", "rds/storage/gp3", "elasticache/node-hour/cache.t4g.small",
                "msk/broker-hour/kafka.m5.large", "msk/storage/gb-month", "mq/activemq/mq.m5.large",
                "mq/storage/efs", "alb/hour", "alb/lcu-hour", "nat/hour", "nat/gb", "vpce/interface/az-hour",
                "ipv4/hour", "apigw/rest/million-requests", "cloudfront/gb-out", "waf/web-acl-month",
                "waf/rule-month", "waf/million-requests", "efs/standard/gb-month", "cloudwatch/metric-month",
                "cloudwatch/alarm-standard-month", "cloudwatch/logs-ingest-gb", "cloudwatch/dashboard-month",
                "xray/million-traces", "secretsmanager/secret-month", "privateca/GENERAL_PURPOSE/month",
                "privateca/SHORT_LIVED_CERTIFICATE/month", "ecr/gb-month", "codepipeline/V1/pipeline-month"]
    assert not [k for k in required if k not in data["prices"]]
    # AWS billing rules are facts applied by the pricers, never copied into derived prices
    assert data["facts"]["rds/multi-az-instances"]["value"] == 2
    assert data["facts"]["mq/active-standby-brokers"]["value"] == 2
    assert data["facts"]["elasticache/valkey-price-factor"]["value"] == 0.8
    assert not [k for k in data["prices"] if k.endswith(("/multi-az", "/single-az", "/valkey"))
                or "ACTIVE_STANDBY" in k]


def test_policy_resource_adapter_handles_proxies_and_unknowns():
    from pulumi_policy.policy import PolicyResource, PolicyResourceOptions, PolicyCustomTimeouts
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

    opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    td = PolicyResource("aws:ecs/taskDefinition:TaskDefinition",
                        unknown_checking_proxy({"cpu": "256", "memory": "512", "family": "f",
                                                "runtimePlatform": {"cpuArchitecture": "ARM64"},
                                                "arn": UNKNOWN_STRING_VALUE}),
                        "urn:td", "td", opts, None, None, [], {})
    svc = PolicyResource("aws:ecs/service:Service",
                         unknown_checking_proxy({"desiredCount": 2, "taskDefinition": UNKNOWN_STRING_VALUE}),
                         "urn:svc", "svc", opts, None, None, [td], {"taskDefinition": [td]})
    res = cost_model.from_policy_resources([td, svc])
    assert res[1].inputs["taskDefinition"] is None and res[1].property_dependencies == {"taskDefinition": ["urn:td"]}
    est = cost_model.estimate(res, usage={})
    assert by_component(est, "fargate/vcpu-hour/ARM64") == pytest.approx(2 * 0.25 * H * 0.03238)


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_scheduled_hours_of_the_recorded_program_are_the_stack_schedule(stack):
    """The hours a scheduled service is priced for come from the plan the program records: its
    scheduled actions' crons give the hours a day and the days of the week (x 365 / 12 / 7 a month)."""
    from conftest import plan_for, settings_for

    sched = settings_for(stack).config.schedule
    est = cost_model.estimate(cost_model.from_plan(plan_for(stack)))
    vcpu = [l for l in est["lines"] if l["price_key"].startswith("fargate/vcpu-hour/")]
    assert len(vcpu) == 7
    from components.config.weekdays import days_per_month, parse_days

    want = sched.hoursPerDay * days_per_month(parse_days(sched.days)) if sched.enabled else H
    assert len({l["attrs"]["hours"] for l in vcpu}) == 1
    assert vcpu[0]["attrs"]["hours"] == pytest.approx(want, abs=0.01)


def test_package_stands_alone_and_registers_a_pricer_of_every_tier_module():
    """The policy pack imports the model without the program; importing the package must
    register the pricers of every module under pricers/ (the estimate only looks them up)."""
    import subprocess
    import textwrap

    code = textwrap.dedent("""
        import json, pkgutil, sys
        from platform_policies import cost_model
        from platform_policies.cost_model import pricers
        tiers = sorted(m.name for m in pkgutil.iter_modules(pricers.__path__))
        registered = sorted({fn.__module__.rsplit(".", 1)[-1] for fn in cost_model.PRICERS.values()})
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("components", "pulumi", "pulumi_aws"))
        print(json.dumps({"tiers": tiers, "registered": registered, "loaded": loaded,
                          "callables": [callable(cost_model.estimate), callable(cost_model.advice)]}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "policies", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["tiers"] and out["registered"] == out["tiers"]
    assert out["loaded"] == []
    assert out["callables"] == [True, True]  # the functions, not the same-named submodules
