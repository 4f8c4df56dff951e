"""Data tier (components/data/data.py, database.py, cache.py, efs.py) under mocks, prod and dev."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from _helpers import assert_required_tags, base_tags, private_subnets, resources_by_urn
from components.data.cache import CacheOptions
from components.data.data import Data, DataArgs
from components.data.database import DatabaseOptions
from conftest import run_mocked, settings_for
from preflight.mocks import SECRET_SIG, SIG_KEY

RDS = "aws:rds/instance:Instance"
PROXY = "aws:rds/proxy:Proxy"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
LOWER_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def _access_view(a) -> dict:
    return {"service": a.service, "description": a.description, "sg": a.security_group_id, "port": a.port,
            "statements": a.policy_statements, "env": a.environment, "secrets": a.secrets,
            "exec": a.execution_secret_arns,
            "efs": None if a.efs is None else {"fs": a.efs.file_system_id, "ap": a.efs.access_point_id,
                                               "path": a.efs.container_path}}


# dev: single-AZ and the smallest sizes; prod: the defaults.
DEV_DATABASE = DatabaseOptions(instance_class="db.t3.micro", allocated_storage_gb=20, max_allocated_storage_gb=100,
                               backup_retention_days=1, multi_az=False)
DEV_CACHE = CacheOptions(node_type="cache.t4g.micro", replicas=0, multi_az=False)


def data_args(stack: str, subnets, **changes) -> DataArgs:
    prod = stack == "prod"
    dev = {} if prod else dict(database=DEV_DATABASE, cache=DEV_CACHE, az_count=2, deletion_protection=False,
                               log_retention_days=7)
    return DataArgs(stack=stack, vpc_id="vpc-0abc", private_subnet_ids=subnets, base_tags=base_tags(stack),
                    **{**dev, **changes})


def _run(stack: str, **changes):
    import pulumi

    holder = {}

    def build():
        subnets = pulumi.Output.from_input(private_subnets(3 if stack == "prod" else 2))
        holder["args"] = args = data_args(stack, subnets, **changes)
        data = Data("data", args)
        return {"databases": data.databases, "db_instance_ids": data.db_instance_ids,
                "db_instance_arns": data.db_instance_arns, "cache_id": data.cache_replication_group_id,
                "redis_endpoint": data.redis_endpoint, "efs_id": data.efs_id,
                "access": [_access_view(a) for a in data.access]}

    g = run_mocked(build, stack=stack)
    return holder["args"], g


@pytest.fixture(scope="module", params=["prod", "dev"])
def run(request):
    return _run(request.param)


def _is_secret(v) -> bool:
    return isinstance(v, dict) and v.get(SIG_KEY) == SECRET_SIG


# ---- RDS ---------------------------------------------------------------------------------------------

def test_one_postgres_instance_per_owner_sized_from_settings(run):
    args, g = run
    db = args.database
    prod = args.stack == "prod"
    instances = {r["inputs"]["identifier"]: r for r in g.of_type(RDS)}
    assert set(instances) == {f"{args.stack}-{o}-db" for o in args.database_owners}
    for ident, r in instances.items():
        i = r["inputs"]
        assert len(ident) <= 63 and LOWER_ID.fullmatch(ident)
        assert i["engine"] == "postgres" and i["engineVersion"] == db.engine_version.split(".")[0]
        assert i["instanceClass"] == ("db.t3.medium" if prod else "db.t3.micro") == db.instance_class
        assert i["multiAz"] is prod
        assert i["storageType"] == "gp3" and i["storageEncrypted"] is True
        assert i["allocatedStorage"] == db.allocated_storage_gb
        assert i["maxAllocatedStorage"] == db.max_allocated_storage_gb > db.allocated_storage_gb
        assert i["backupRetentionPeriod"] == db.backup_retention_days == (7 if prod else 1)
        assert i["publiclyAccessible"] is False
        assert i["caCertIdentifier"] == "rds-ca-rsa2048-g1" and i["autoMinorVersionUpgrade"] is True
        assert i["performanceInsightsEnabled"] is True and i["databaseInsightsMode"] == "standard"
        assert i["copyTagsToSnapshot"] is True
        assert "iops" not in i


def test_master_password_is_managed_by_rds_never_given(run):
    _, g = run
    for r in g.of_type(RDS):
        i = r["inputs"]
        assert i["manageMasterUserPassword"] is True
        assert "password" not in i and "passwordWo" not in i
        assert i["username"] == "dbadmin" and re.fullmatch(r"[a-z][a-z0-9]*", i["dbName"])
        assert i["dbName"] not in ("order", "user")  # reserved words in PostgreSQL


def test_stateful_protection_follows_deletion_protection(run):
    args, g = run
    prod = args.stack == "prod"
    assert args.deletion_protection is prod
    for r in g.of_type(RDS):
        i = r["inputs"]
        assert r["protect"] is prod
        assert i["deletionProtection"] is prod
        assert i["skipFinalSnapshot"] is (not prod)
    for t in (RG, "aws:efs/fileSystem:FileSystem"):
        assert all(r["protect"] is prod for r in g.of_type(t))


def test_final_snapshot_names_are_unique_per_created_resource(run):
    """A fixed "<id>-final" fails the second delete of a re-created instance
    (DBSnapshotAlreadyExists): the name carries the creating run's UTC stamp, and
    ignore_changes keeps it from changing on later runs."""
    args, g = run
    prod = args.stack == "prod"
    primaries = [r for r in g.of_type(RDS) if "replicateSourceDb" not in r["inputs"]]
    assert primaries
    for r in primaries:
        i = r["inputs"]
        # Set also where skipped, so turning protection on later finds a name in state.
        assert re.fullmatch(rf"{i['identifier']}-final-\d{{14}}", i["finalSnapshotIdentifier"])
        assert len(i["finalSnapshotIdentifier"]) <= 255 and "--" not in i["finalSnapshotIdentifier"]
        assert "finalSnapshotIdentifier" in r["ignoreChanges"]
    rg = g.one(RG)
    if prod:
        assert re.fullmatch(rf"{rg['inputs']['replicationGroupId']}-final-\d{{14}}",
                            rg["inputs"]["finalSnapshotIdentifier"])
    else:  # a set name would make ElastiCache take a snapshot on every dev delete
        assert "finalSnapshotIdentifier" not in rg["inputs"]
    assert "finalSnapshotIdentifier" in rg["ignoreChanges"]


def test_generated_secret_keeps_its_first_value_and_rotates_by_generation():
    """The invoke draws a new password on every run: only ignore_changes on the version's
    secretString keeps the cache's token from changing on each `pulumi up`.  A new
    generation is a new logical version (Pulumi reuses an ignored value on --replace)."""
    import components.data.cache as cache_mod

    _, g = _run("dev")
    (version,) = g.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert version["ignoreChanges"] == ["secretString"]
    assert version["name"] == "data-cache-auth-value"
    original = cache_mod.AUTH_TOKEN_GENERATION
    cache_mod.AUTH_TOKEN_GENERATION = 2
    try:
        _, g2 = _run("dev")
    finally:
        cache_mod.AUTH_TOKEN_GENERATION = original
    (version2,) = g2.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert version2["name"] == "data-cache-auth-value-g2"
    assert g2.one(RG)["propertyDependencies"]["authToken"] == [version2["urn"]]


def test_parameter_group_forces_tls_for_the_engine_major(run):
    args, g = run
    by_urn = resources_by_urn(g)
    for r in g.of_type(RDS):
        (pg_urn,) = r["propertyDependencies"]["parameterGroupName"]
        pg = by_urn[pg_urn]["inputs"]
        assert pg["family"] == "postgres16" == f"postgres{args.database.engine_version.split('.')[0]}"
        params = {p["name"]: p["value"] for p in pg["parameters"]}
        assert params["rds.force_ssl"] == "1"


def test_each_database_has_its_own_closed_security_group_and_private_subnets(run):
    args, g = run
    by_urn = resources_by_urn(g)
    sgs = set()
    for r in g.of_type(RDS):
        (sg_urn,) = r["propertyDependencies"]["vpcSecurityGroupIds"]
        sg = by_urn[sg_urn]["inputs"]
        assert "ingress" not in sg and "egress" not in sg
        assert sg["vpcId"] == "vpc-0abc"
        sgs.add(sg_urn)
        (sn_urn,) = r["propertyDependencies"]["dbSubnetGroupName"]
        assert by_urn[sn_urn]["inputs"]["subnetIds"] == private_subnets(args.az_count)
    assert len(sgs) == len(args.database_owners)
    # The only rules of the tier's own: each proxy to its database on 5432 (egress on the proxy's group,
    # ingress on the database's); the compute tier opens the rest to the services.
    rules = [r for r in g.resources if "securityGroup" in r["type"] and r["type"] != SG]
    assert len(rules) == 2 * len(args.database_owners)
    for r in rules:
        i = r["inputs"]
        assert (i["ipProtocol"], i["fromPort"], i["toPort"]) == ("tcp", 5432, 5432)
        own, peer = r["propertyDependencies"]["securityGroupId"], r["propertyDependencies"]["referencedSecurityGroupId"]
        kinds = {by_urn[u]["name"].rsplit("-", 1)[0].endswith("proxy") for u in own + peer}
        assert kinds == {True, False}  # always between a proxy group and a database group
        if r["type"].endswith("IngressRule"):
            assert set(own) <= sgs  # ingress only on a database group, from its proxy


def test_rds_log_groups_exist_with_retention_before_the_instance(run):
    args, g = run
    by_urn = resources_by_urn(g)
    for r in g.of_type(RDS):
        ident = r["inputs"]["identifier"]
        deps = [by_urn[u] for u in r["dependencies"] if by_urn[u]["type"] == "aws:cloudwatch/logGroup:LogGroup"]
        assert {d["inputs"]["name"] for d in deps} == {f"/aws/rds/instance/{ident}/postgresql",
                                                       f"/aws/rds/instance/{ident}/upgrade"}
        assert r["inputs"]["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    for lg in g.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert lg["inputs"]["retentionInDays"] == args.log_retention_days


def test_read_replicas_replicate_the_primary_without_own_credentials():
    args, g = _run("prod", database=DatabaseOptions(read_replicas=2))
    owners = args.database_owners
    replicas = [r for r in g.of_type(RDS) if "replicateSourceDb" in r["inputs"]]
    primaries = [r for r in g.of_type(RDS) if "replicateSourceDb" not in r["inputs"]]
    assert len(replicas) == 2 * len(owners) and len(primaries) == len(owners)
    for r in replicas:
        i = r["inputs"]
        owner = r["name"].split("-")[1]
        assert i["replicateSourceDb"] == f"prod-{owner}-db"
        assert re.fullmatch(rf"prod-{owner}-db-r[12]", i["identifier"])
        for forbidden in ("username", "manageMasterUserPassword", "password", "dbName", "finalSnapshotIdentifier",
                          "backupRetentionPeriod", "dbSubnetGroupName"):
            assert forbidden not in i, forbidden
        assert i["skipFinalSnapshot"] is True and i["instanceClass"] == "db.t3.medium"
        assert i["parameterGroupName"] and i["vpcSecurityGroupIds"]
    # Alarms and FIS see only the primaries.
    assert g.outputs["db_instance_ids"] == {o: f"prod-{o}-db" for o in owners}
    env = {a["service"]: a["env"] for a in g.outputs["access"] if a["port"] == 5432}
    assert len(env["order"]["DB_READER_HOSTS"].split(",")) == 2


# ---- ElastiCache ------------------------------------------------------------------------------------

def test_cache_is_multi_az_with_failover_in_prod_and_one_node_in_dev(run):
    args, g = run
    i = g.one(RG)["inputs"]
    if args.stack == "prod":
        assert (i["numCacheClusters"], i["automaticFailoverEnabled"], i["multiAzEnabled"]) == (2, True, True)
        assert i["nodeType"] == "cache.t4g.small" and i["snapshotRetentionLimit"] == 1
    else:
        assert (i["numCacheClusters"], i["automaticFailoverEnabled"], i["multiAzEnabled"]) == (1, False, False)
        assert i["nodeType"] == "cache.t4g.micro" and i["snapshotRetentionLimit"] == 0
    assert i["engine"] == "redis" and i["engineVersion"] == "7.1" and i["port"] == 6379
    gid = i["replicationGroupId"]
    assert gid == f"{args.stack}-inventory-cache" and len(gid) <= 40 and LOWER_ID.fullmatch(gid)


def test_cache_is_encrypted_and_authenticated_from_a_secret(run):
    args, g = run
    by_urn = resources_by_urn(g)
    rg = g.one(RG)
    i = rg["inputs"]
    assert i["atRestEncryptionEnabled"] is True and i["transitEncryptionEnabled"] is True
    assert i["transitEncryptionMode"] == "required"
    assert _is_secret(i["authToken"])
    (version_urn,) = rg["propertyDependencies"]["authToken"]
    assert by_urn[version_urn]["type"] == "aws:secretsmanager/secretVersion:SecretVersion"
    assert _is_secret(by_urn[version_urn]["inputs"]["secretString"])
    (sg_urn,) = rg["propertyDependencies"]["securityGroupIds"]
    assert "ingress" not in by_urn[sg_urn]["inputs"] and "egress" not in by_urn[sg_urn]["inputs"]
    (sn_urn,) = rg["propertyDependencies"]["subnetGroupName"]
    assert by_urn[sn_urn]["inputs"]["subnetIds"] == private_subnets(args.az_count)
    (log,) = i["logDeliveryConfigurations"]
    assert log["destinationType"] == "cloudwatch-logs" and log["logType"] == "slow-log"


def test_valkey_is_a_config_option_and_bad_versions_are_refused():
    _, g = _run("dev", cache=dataclasses.replace(DEV_CACHE, engine="valkey", engine_version="8.0"))
    i = g.one(RG)["inputs"]
    assert i["engine"] == "valkey" and i["engineVersion"] == "8.0" and i["transitEncryptionEnabled"] is True
    with pytest.raises(Exception, match="valkey"):
        settings_for("dev", **{"cache.engine": "valkey"})  # 7.1 exists for Redis OSS only


# ---- EFS --------------------------------------------------------------------------------------------

def test_efs_encrypted_backed_up_with_a_mount_target_per_private_subnet(run):
    args, g = run
    fs = g.one("aws:efs/fileSystem:FileSystem")
    assert fs["inputs"]["encrypted"] is True and "availabilityZoneName" not in fs["inputs"]
    assert fs["inputs"]["throughputMode"] == "elastic"
    mts = g.of_type("aws:efs/mountTarget:MountTarget")
    assert sorted(m["inputs"]["subnetId"] for m in mts) == private_subnets(args.az_count)
    assert len({tuple(m["inputs"]["securityGroups"]) for m in mts}) == 1
    assert g.one("aws:efs/backupPolicy:BackupPolicy")["inputs"]["backupPolicy"] == {"status": "ENABLED"}
    policy = json.loads(g.one("aws:efs/fileSystemPolicy:FileSystemPolicy")["inputs"]["policy"])
    denies = {s["Sid"]: s for s in policy["Statement"] if s["Effect"] == "Deny"}
    assert denies["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert "DenyWithoutAccessPoint" in denies


def test_efs_access_point_per_mounting_service(run):
    args, g = run
    aps = g.of_type("aws:efs/accessPoint:AccessPoint")
    assert {a["inputs"]["tags"]["service"] for a in aps} == set(args.efs_mounted_by)
    # Tasks mount by access point id: it must not exist before every mount target does.
    mts = {m["urn"] for m in g.of_type("aws:efs/mountTarget:MountTarget")}
    assert len(mts) == args.az_count
    for a in aps:
        assert mts <= set(a["dependencies"])
    for a in aps:
        assert a["inputs"]["posixUser"] == {"uid": 1000, "gid": 1000}
        assert a["inputs"]["rootDirectory"]["path"] == "/shared"


# ---- access records (what compute wires) -----------------------------------------------------------

def test_access_grants_only_the_owners(run):
    args, g = run
    access = g.outputs["access"]
    ids = {r["id"]: r for r in g.of_type(SG)}
    dbs = [a for a in access if a["port"] == 5432]
    assert sorted(a["service"] for a in dbs) == sorted(args.database_owners)
    assert len({a["sg"] for a in dbs}) == len(dbs)  # one group per database
    proxies = {r["inputs"]["name"]: r for r in g.of_type(PROXY)}
    for a in dbs:
        out = g.outputs["databases"][a["service"]]
        # Through the proxy with an IAM token: no secret reaches the task, the role may connect as the
        # proxy's user only (rds-db:connect on dbuser:<proxy resource id>/<user>).
        assert a["secrets"] == {} and a["exec"] == []
        assert a["env"]["DB_HOST"] == out["proxy_endpoint"] and a["env"]["DB_AUTH"] == "iam"
        assert a["env"]["DB_USERNAME"] == "dbadmin" and a["env"]["DB_PORT"] == "5432"
        assert a["env"]["DB_REGION"] == "us-east-1"  # the tokens are signed for the proxy's region
        (st,) = a["statements"]
        assert st["Action"] == "rds-db:connect"
        (proxy,) = [p for p in proxies.values() if out["proxy_endpoint"].startswith(p["inputs"]["name"] + ".")]
        assert re.fullmatch(r"arn:aws:rds-db:us-east-1:\d{12}:dbuser:prx-[0-9a-f]{17}/dbadmin", st["Resource"])
        assert a["sg"] in ids
    (cache,) = [a for a in access if a["port"] == 6379]
    assert cache["service"] == args.cache.owner == "inventory"
    assert cache["secrets"]["REDIS_AUTH_TOKEN"].endswith(":password::") and cache["exec"]
    assert cache["env"]["REDIS_TLS"] == "true"
    efs = [a for a in access if a["port"] == 2049]
    assert sorted(a["service"] for a in efs) == sorted(args.efs_mounted_by)
    ap_ids = {a["efs"]["ap"] for a in efs}
    assert len(ap_ids) == len(efs)  # each its own access point
    for a in efs:
        assert a["efs"]["fs"] == g.outputs["efs_id"]
        (st,) = a["statements"]
        assert st["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"].endswith(a["efs"]["ap"])
    assert len(access) == len(dbs) + 1 + len(efs)


def test_outputs_carry_endpoints_and_secret_arns_never_values(run):
    args, g = run
    out = g.outputs
    for owner, d in out["databases"].items():
        assert set(d) == {"endpoint", "address", "port", "secret_arn", "identifier", "proxy_endpoint"}
        assert ".proxy-" in d["proxy_endpoint"]
        assert d["endpoint"] == f"{d['address']}:5432" and d["port"] == 5432
        assert d["secret_arn"].startswith("arn:aws:secretsmanager:")
        assert out["db_instance_arns"][owner].startswith("arn:aws:rds:")
        assert out["db_instance_ids"][owner] == d["identifier"]
    assert re.fullmatch(r"master\..+:6379", out["redis_endpoint"])
    assert out["cache_id"] == f"{args.stack}-inventory-cache"
    assert out["efs_id"].startswith("fs-")
    assert "password" not in json.dumps({k: v for k, v in out.items() if k != "access"}).lower().replace(
        "password::", "")


def test_every_taggable_resource_has_the_required_tags(run):
    args, g = run
    untaggable = {"aws:efs/mountTarget:MountTarget", "aws:efs/backupPolicy:BackupPolicy",
                  "aws:efs/fileSystemPolicy:FileSystemPolicy", "aws:secretsmanager/secretVersion:SecretVersion",
                  "aws:iam/rolePolicy:RolePolicy", "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
                  "aws:rds/proxyTarget:ProxyTarget"}
    assert_required_tags(g, "data", args.stack, untaggable)


def test_identifiers_stay_valid_for_long_or_odd_stack_names():
    from components.data.database import lower_identifier, rds_identifier

    long_stack = "Feature_Branch--" + "x" * 80
    for ident, limit in ((rds_identifier(long_stack, "stream-processor", "db"), 63),
                         (lower_identifier(long_stack, "inventory", "cache", limit=40), 40),
                         (rds_identifier("2024-stack", "order", "db"), 63)):
        assert len(ident) <= limit and LOWER_ID.fullmatch(ident), ident
    assert rds_identifier("2024-stack", "order", "db").startswith("x-2024")
    assert rds_identifier(long_stack, "a", "db") != rds_identifier(long_stack, "b", "db")


# ---- RDS Proxy: pooling and IAM sign-in --------------------------------------------------------------------

def test_each_database_has_a_proxy_with_iam_auth_tls_and_its_pool(run):
    args, g = run
    by_urn = resources_by_urn(g)
    proxies = g.of_type(PROXY)
    assert len(proxies) == len(args.database_owners)
    for p in proxies:
        i = p["inputs"]
        assert i["engineFamily"] == "POSTGRESQL" and i["requireTls"] is True and i["debugLogging"] is False
        (auth,) = i["auths"]
        assert auth["authScheme"] == "SECRETS" and auth["iamAuth"] == "REQUIRED"
        assert auth["clientPasswordAuthType"] == "POSTGRES_SCRAM_SHA_256"
        (db_urn,) = [u for u in p["propertyDependencies"]["auths"] if by_urn[u]["type"] == RDS]
        assert i["vpcSubnetIds"] == private_subnets(args.az_count)
        # The role reads the master secret only; its ARN waits for the policy (no race on create).
        (role_urn, *policy_urns) = p["propertyDependencies"]["roleArn"]
        assert by_urn[role_urn]["type"] == "aws:iam/role:Role"
        assert [by_urn[u]["type"] for u in policy_urns] == ["aws:iam/rolePolicy:RolePolicy"]
        doc = json.loads(by_urn[policy_urns[0]]["inputs"]["policy"])
        assert [s["Action"] for s in doc["Statement"]] == ["secretsmanager:GetSecretValue"]
        assert json.loads(by_urn[role_urn]["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"] == {
            "Service": "rds.amazonaws.com"}
        name = i["name"]
        assert LOWER_ID.fullmatch(name) and len(name) <= 60
        (pool,) = [r for r in g.of_type("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup")
                   if r["inputs"]["dbProxyName"] == name]
        assert pool["inputs"]["connectionPoolConfig"] == {
            "maxConnectionsPercent": 95, "maxIdleConnectionsPercent": 50, "connectionBorrowTimeout": 120}
        (target,) = [r for r in g.of_type("aws:rds/proxyTarget:ProxyTarget") if r["inputs"]["dbProxyName"] == name]
        assert target["inputs"]["targetGroupName"] == "default"
        assert target["inputs"]["dbInstanceIdentifier"] == by_urn[db_urn]["inputs"]["identifier"]
        (log,) = [r for r in g.of_type("aws:cloudwatch/logGroup:LogGroup") if r["inputs"].get("name") == f"/aws/rds/proxy/{name}"]
        assert log["inputs"]["retentionInDays"] == args.log_retention_days


def test_max_connections_is_set_in_the_parameter_group_from_the_class(run):
    args, g = run
    # 0.7 x nominal memory / 9531392 bytes per connection: db.t3.medium 4 GiB -> 315, db.t3.micro 1 GiB -> 78.
    expected = {"db.t3.medium": "315", "db.t3.micro": "78"}[args.database.instance_class]
    for pg in g.of_type("aws:rds/parameterGroup:ParameterGroup"):
        (mc,) = [p for p in pg["inputs"]["parameters"] if p["name"] == "max_connections"]
        assert mc == {"name": "max_connections", "value": expected, "applyMethod": "pending-reboot"}


def test_password_auth_keeps_the_direct_path_for_a_migration_period():
    args, g = _run("dev", password_auth_owners=["order"])
    access = {a["service"]: a for a in g.outputs["access"] if a["port"] == 5432}
    order, user = access["order"], access["user"]
    secret = g.outputs["databases"]["order"]["secret_arn"]
    assert order["secrets"] == {"DB_USERNAME": f"{secret}:username::", "DB_PASSWORD": f"{secret}:password::"}
    assert order["env"]["DB_HOST"] == g.outputs["databases"]["order"]["address"] and order["env"]["DB_AUTH"] == "password"
    assert order["exec"] == [secret]
    assert user["secrets"] == {} and user["env"]["DB_AUTH"] == "iam"
