"""Pack level: the rule registry, then the real pack process over gRPC (preflight.analyzer.run_policy_pack).

GetAnalyzerInfo -> Configure (the committed policies/config/<stack>.json, schema
defaults filled) -> Analyze per resource -> AnalyzeStack, as `pulumi preview
--policy-pack policies --policy-pack-config policies/config/<stack>.json` does.
"""

from __future__ import annotations

import ast
import json
import sys

import pytest

from test_policies_support import ROOT, U_BOOL, U_STR, urn

from platform_policies import all_policies, all_rules
from platform_policies.registry import Registry
from platform_policies.rule import AREAS, COST

analyzer = pytest.importorskip("preflight.analyzer")

OUR_AREAS = tuple(a for a in AREAS if a != COST)  # the cost policies are tested in tests/test_cost*.py


PACK_DIR = ROOT / "policies"
OURS = {r.name for r in all_rules() if r.area in OUR_AREAS}


# ---- the registry ----------------------------------------------------------------------------------------

def test_every_rule_has_an_area_and_a_description():
    rules = all_rules()
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    assert [p.name for p in all_policies()] == names
    for r in rules:
        assert r.area in AREAS, r.name
        assert r.description.strip() and r.policy.description == r.description, r.name
        assert r.resource_types, r.name
    assert {r.area for r in rules} == set(AREAS)


def test_policies_come_in_area_order():
    order = [AREAS.index(r.area) for r in all_rules()]
    assert order == sorted(order)


def test_every_module_in_rules_is_loaded():
    files = {p.stem for p in (ROOT / "policies/platform_policies/rules").glob("*.py") if p.stem != "__init__"}
    assert {f for f in files if f"platform_policies.rules.{f}" not in sys.modules} == set()
    assert {r.module.rsplit(".", 1)[1] for r in all_rules()} <= files


def test_a_key_is_registered_once():
    registry = Registry("rule")
    registry.add("x", 1)
    with pytest.raises(ValueError, match="'x' is registered twice"):
        registry.add("x", 2)


def test_cross_service_rules_judge_the_types_the_service_modules_register():
    by_name = {r.name: r for r in all_rules()}
    assert set(by_name["encryption-at-rest"].resource_types) >= {"aws:rds/instance:Instance", "aws:sqs/queue:Queue"}
    assert "AwsSolutions-RDS2" in by_name["encryption-at-rest"].anchors  # declared with the RDS check
    assert "aws:iam/role:Role" in by_name["aws-physical-names"].resource_types


def _pack_imports() -> dict[str, set[str]]:
    """{module: modules of the pack its import statements name} over policies/platform_policies."""
    root = ROOT / "policies"
    files = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
             for p in (root / "platform_policies").rglob("*.py")}
    imports: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names}
        imports[name] = found & set(files) - {name}
    return imports


def test_no_module_of_the_pack_imports_one_that_imports_it_back():
    imports = _pack_imports()
    for start in imports:
        seen, todo = set(), list(imports[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo += imports[module]
        assert start not in seen, f"{start} imports itself back"


# ---- the pack over gRPC ------------------------------------------------------------------------------------

def _config(stack: str):
    return ROOT / f"policies/config/{stack}.json"


def _ours(violations: list[dict]) -> list[dict]:
    """Violations of this file's four areas (the cost policies are tested in tests/test_cost*.py)."""
    return [v for v in violations if v["policy"] in OURS]


TAGS = {"service": "order", "tier": "data", "stack": "prod", "cost-center": "platform-engineering"}


def _res(type_: str, name: str, inputs: dict, parent: str | None = None, parents: tuple = (),
         deps: dict | None = None) -> dict:
    return {"urn": urn(type_, name, parents), "type": type_, "name": name, "parent": parent, "inputs": inputs,
            "custom": not type_.startswith("awsx:"), "dependencies": sum((deps or {}).values(), []),
            "propertyDependencies": deps or {}, "protect": False, "provider": ""}


# Master user, managed password, subnet group and security group every compliant database has.
DB_ACCESS = {"username": "dbadmin", "manageMasterUserPassword": True, "dbSubnetGroupName": "db-subnets",
             "vpcSecurityGroupIds": ["sg-2"]}


def _plan() -> dict:
    net = "platform:network:Network"
    vpc = _res("awsx:ec2:Vpc", "vpc", {"numberOfAvailabilityZones": 3, "natGateways": {"strategy": "Single"},
                                       "tags": TAGS}, parents=(net,))
    alb_sg = _res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {
        "description": "ALB security group", "tags": {**TAGS, "tier": "edge"},
        "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]})
    ssh = _res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh", {
        "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0", "securityGroupId": "sg-1"},
        deps={"securityGroupId": [alb_sg["urn"]]})
    good_db = _res("aws:rds/instance:Instance", "order-db", {
        "instanceClass": "db.t3.medium", "multiAz": True, "storageEncrypted": True, "deletionProtection": True,
        "skipFinalSnapshot": False, "finalSnapshotIdentifier": "order-db-final", "backupRetentionPeriod": 7,
        "allocatedStorage": 100, "maxAllocatedStorage": 500, "publiclyAccessible": False,
        "performanceInsightsEnabled": True, "copyTagsToSnapshot": True, "tags": TAGS, **DB_ACCESS})
    bad_db = _res("aws:rds/instance:Instance", "user-db", {
        "instanceClass": "db.t3.micro", "multiAz": False, "storageEncrypted": True, "deletionProtection": True,
        "skipFinalSnapshot": False, "finalSnapshotIdentifier": "user-db-final", "backupRetentionPeriod": 7,
        "allocatedStorage": 100, "tags": TAGS})
    unknown_db = _res("aws:rds/instance:Instance", "inventory-db", {
        "instanceClass": U_STR, "multiAz": U_BOOL, "storageEncrypted": True, "deletionProtection": True,
        "skipFinalSnapshot": False, "finalSnapshotIdentifier": U_STR, "backupRetentionPeriod": 7,
        "performanceInsightsEnabled": U_BOOL, "copyTagsToSnapshot": True, "tags": TAGS, **DB_ACCESS})
    task = _res("aws:ecs/taskDefinition:TaskDefinition", "order-task", {
        "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "4096",
        "runtimePlatform": {"cpuArchitecture": "ARM64"}, "tags": TAGS})
    return {"stack": "prod", "project": "microservices-platform",
            "resources": [vpc, alb_sg, ssh, good_db, bad_db, unknown_db, task]}


def _by_policy(violations: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for v in _ours(violations):
        out.setdefault(v["policy"], []).append(v)
    return out


def test_prod_pack_over_grpc():
    plan = _plan()
    result = analyzer.run_policy_pack(plan, _config("prod"), policy_dir=PACK_DIR)
    got = _by_policy(result["violations"])
    urns = {r["name"]: r["urn"] for r in plan["resources"]}
    # Mandatory in prod: Multi-AZ, NAT per AZ (from the awsx inputs), sizes, open SSH, Fargate pair.
    assert [(v["urn"], v["level"]) for v in got["rds-multi-az"]] == [(urns["user-db"], "mandatory")]
    assert [(v["urn"], v["level"]) for v in got["nat-gateway-per-az"]] == [(urns["vpc"], "mandatory")]
    assert [v["urn"] for v in got["allowed-rds-instance-classes"]] == [urns["user-db"]]
    assert [v["urn"] for v in got["no-open-ingress"]] == [urns["ssh"]]
    assert [v["urn"] for v in got["fargate-cpu-memory-combination"]] == [urns["order-task"]]
    # The compliant database and the one with unknown values raise nothing anywhere, and nothing crashed
    # into a "can't run policy during preview" diagnostic.
    assert not [v for v in _ours(result["violations"]) if v["urn"] in (urns["order-db"], urns["inventory-db"])]
    assert not [v for v in _ours(result["violations"]) if "can't run policy" in v["message"]]


def test_dev_levels_over_grpc():
    plan = _plan()
    result = analyzer.run_policy_pack(plan, _config("dev"), policy_dir=PACK_DIR)
    got = _by_policy(result["violations"])
    assert {v["level"] for v in got["rds-multi-az"]} == {"advisory"}
    assert {v["level"] for v in got["nat-gateway-per-az"]} == {"advisory"}
    # dev allows only db.t3.micro/db.t4g.micro: now the prod-sized databases are the violators.
    assert {v["level"] for v in got["allowed-rds-instance-classes"]} == {"mandatory"}
    assert len(got["allowed-rds-instance-classes"]) == 1  # order-db (user-db is micro, inventory-db unknown)


def test_committed_configs_fit_the_pack():
    """Every committed config names only policies of the pack and passes their schemas."""
    for stack in ("prod", "dev"):
        result = analyzer.run_policy_pack({"stack": stack, "resources": []}, _config(stack), policy_dir=PACK_DIR)
        levels = {p["name"]: p["level"] for p in result["policies"]}
        assert levels["rds-multi-az"] == ("mandatory" if stack == "prod" else "advisory")
        assert levels["aws-physical-names"] == "mandatory"
        assert _ours(result["violations"]) == []
        # every policy of the pack is named in the stack's file with an explicit level
        committed = json.loads(_config(stack).read_text())
        missing = [p["name"] for p in result["policies"]
                   if not isinstance(committed.get(p["name"]), dict)
                   or committed[p["name"]].get("enforcementLevel") not in ("advisory", "mandatory", "disabled")]
        assert missing == [], (stack, missing)
