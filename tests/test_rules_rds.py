"""RDS rules: observability, maintenance, query logging, parameter-group family, accepted values, VPC placement,
managed master password, subnet-group AZs."""

from __future__ import annotations

import json

from test_policies_support import U_LIST, U_STR, check, check_stack, urn
from platform_policies.rules import rds

DB, PG = rds.RDS_INSTANCE, rds.PARAMETER_GROUP
GOOD = {"engine": "postgres", "engineVersion": "16", "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "performanceInsightsEnabled": True, "autoMinorVersionUpgrade": True, "caCertIdentifier": "rds-ca-rsa2048-g1",
        "copyTagsToSnapshot": True, "allocatedStorage": 100, "maxAllocatedStorage": 500, "storageType": "gp3",
        "backupRetentionPeriod": 7, "performanceInsightsRetentionPeriod": 7, "manageMasterUserPassword": True,
        "finalSnapshotIdentifier": "prod-user-db-final-1", "parameterGroupName": "params-1",
        "username": "dbadmin", "dbName": "userdb", "dbSubnetGroupName": "data-db-subnets-1",
        "vpcSecurityGroupIds": ["sg-1"], "multiAz": True}


def test_observability():
    assert check(rds.validate_rds_observability, DB, GOOD) == []
    assert check(rds.validate_rds_observability, DB, {**GOOD, "enabledCloudwatchLogsExports": ["upgrade"]})
    assert check(rds.validate_rds_observability, DB, {**GOOD, "performanceInsightsEnabled": False})


def test_maintenance():
    assert check(rds.validate_rds_maintenance, DB, GOOD) == []
    assert check(rds.validate_rds_maintenance, DB, {**GOOD, "autoMinorVersionUpgrade": False})
    assert check(rds.validate_rds_maintenance, DB, {**GOOD, "caCertIdentifier": "rds-ca-2019"})
    assert check(rds.validate_rds_maintenance, DB, {**GOOD, "copyTagsToSnapshot": False})


def _pair(family, params=(("log_min_duration_statement", "1000"),), version="16"):
    return [{"type": PG, "name": "params", "props": {"family": family,
                                                     "parameters": [{"name": n, "value": v} for n, v in params]}},
            {"type": DB, "name": "db", "props": {**GOOD, "engineVersion": version},
             "deps": {"parameterGroupName": [urn(PG, "params")]}}]


def test_parameter_group_family_matches_engine():
    assert check_stack(rds.validate_parameter_group_family, _pair("postgres16")) == []
    found = check_stack(rds.validate_parameter_group_family, _pair("postgres15"))
    assert found and "postgres16" in found[0][0] and found[0][1] == urn(DB, "db")
    assert check_stack(rds.validate_parameter_group_family, _pair("postgres16", version="17.2"))


def test_query_logging():
    assert check_stack(rds.validate_postgres_query_logging, _pair("postgres16")) == []
    assert check_stack(rds.validate_postgres_query_logging, _pair("postgres16", params=(("rds.force_ssl", "1"),)))
    assert check_stack(rds.validate_postgres_query_logging,
                       _pair("postgres16", params=(("log_min_duration_statement", "-1"),)))


def test_instance_values():
    v = rds.validate_rds_instance_values
    assert check(v, DB, GOOD) == []
    assert check(v, DB, {**GOOD, "backupRetentionPeriod": 36})
    assert check(v, DB, {**GOOD, "maxAllocatedStorage": 100})
    assert check(v, DB, {**GOOD, "allocatedStorage": 10})
    assert check(v, DB, {**GOOD, "monitoringInterval": 45})
    assert check(v, DB, {**GOOD, "monitoringInterval": 60})  # no monitoring role
    assert check(v, DB, {**GOOD, "performanceInsightsRetentionPeriod": 30})
    assert check(v, DB, {**GOOD, "storageType": "io1"})
    assert check(v, DB, {**GOOD, "password": "secret-password"})
    assert check(v, DB, {**GOOD, "finalSnapshotIdentifier": "final--snap"})
    assert check(v, DB, {**GOOD, "availabilityZone": "us-east-1a"})  # Multi-AZ places itself
    assert check(v, DB, {**GOOD, "multiAz": False, "availabilityZone": "us-east-1a"}) == []


def test_credentials_and_names():
    v = rds.validate_rds_instance_values
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False})  # no password at all
    assert check(v, DB, {k: x for k, x in GOOD.items() if k != "username"})
    assert check(v, DB, {**GOOD, "username": "1admin"})
    assert check(v, DB, {**GOOD, "dbName": "order-db"})
    assert check(v, DB, {**GOOD, "dbName": "user"})  # reserved by PostgreSQL
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False, "password": "short"})
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False, "password": "has@sign-long"})
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False, "password": "long-enough-1"}) == []
    # a read replica or a restore takes them from its source
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False, "username": None,
                         "replicateSourceDb": "db-1"}) == []


def test_gp3_provisioning_below_400_gib():
    v = rds.validate_rds_instance_values
    assert check(v, DB, {**GOOD, "iops": 12000})
    assert check(v, DB, {**GOOD, "storageThroughput": 500})
    assert check(v, DB, {**GOOD, "storageType": "gp2", "storageThroughput": 500})
    assert check(v, DB, {**GOOD, "allocatedStorage": 400, "maxAllocatedStorage": 1000, "iops": 12000,
                         "storageThroughput": 500}) == []


def test_in_vpc():
    v = rds.validate_rds_in_vpc
    assert check(v, DB, GOOD) == []
    assert check(v, DB, {k: x for k, x in GOOD.items() if k != "dbSubnetGroupName"})
    assert check(v, DB, {**GOOD, "dbSubnetGroupName": "default"})
    assert check(v, DB, {**GOOD, "vpcSecurityGroupIds": []})


def test_managed_master_password():
    v = rds.validate_rds_managed_password
    assert check(v, DB, GOOD) == []
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False, "password": "long-enough-1"})
    assert check(v, DB, {**GOOD, "manageMasterUserPassword": False})


def _subnets_and_group(azs):
    subnets = [{"type": "aws:ec2/subnet:Subnet", "name": f"s{i}", "props": {"availabilityZone": az, "vpcId": "v"}}
               for i, az in enumerate(azs)]
    group = {"type": rds.SUBNET_GROUP, "name": "dbs", "props": {"subnetIds": [f"id-{i}" for i in range(len(azs))]},
             "deps": {"subnetIds": [urn("aws:ec2/subnet:Subnet", f"s{i}") for i in range(len(azs))]}}
    return subnets + [group]


def test_subnet_group_covers_two_azs():
    v = rds.validate_subnet_group_azs
    assert check_stack(v, _subnets_and_group(["us-east-1a", "us-east-1b"])) == []
    found = check_stack(v, _subnets_and_group(["us-east-1a"]))
    assert found and found[0][1] == urn(rds.SUBNET_GROUP, "dbs")
    assert check_stack(v, _subnets_and_group(["us-east-1a", "us-east-1a"]))


def test_read_replica_takes_subnet_group_and_master_user_from_its_source():
    replica = {k: x for k, x in GOOD.items() if k not in ("dbSubnetGroupName", "manageMasterUserPassword")}
    replica["replicateSourceDb"] = "prod-user-db"
    assert check(rds.validate_rds_in_vpc, DB, replica) == []
    assert check(rds.validate_rds_managed_password, DB, replica) == []
    assert check(rds.validate_rds_in_vpc, DB, {**replica, "vpcSecurityGroupIds": []})


def test_backup_window_must_not_overlap_the_maintenance_window():
    v = rds.validate_rds_instance_values
    windows = {**GOOD, "backupWindow": "03:00-04:00", "maintenanceWindow": "sun:04:00-sun:05:00"}
    assert check(v, DB, windows) == []  # one ending as the other starts is fine
    (message,) = check(v, DB, {**windows, "maintenanceWindow": "sun:03:30-sun:04:30"})
    assert "overlaps" in message
    # across midnight, and across the end of the week
    assert check(v, DB, {**windows, "backupWindow": "23:30-00:30", "maintenanceWindow": "Mon:00:00-Mon:01:00"})
    assert check(v, DB, {**windows, "backupWindow": "23:50-00:20", "maintenanceWindow": "sun:23:00-mon:00:10"})
    assert check(v, DB, {**windows, "backupWindow": "01:00-01:30", "maintenanceWindow": "sun:23:00-mon:00:30"}) == []
    assert check(v, DB, {**windows, "backupWindow": "03:00-03:20"})  # under 30 minutes
    assert check(v, DB, {**windows, "maintenanceWindow": "sun:04:00-sun:04:15"})  # under 30 minutes
    assert check(v, DB, {**windows, "backupWindow": "3:00-04:00"})  # not hh24:mi
    assert check(v, DB, {**windows, "maintenanceWindow": "sunday:04:00-sunday:05:00"})


# ---- RDS Proxy and the rotated master password -------------------------------------------------------------

PROXY, TASK = rds.PROXY, rds.TASK_DEFINITION
GOOD_PROXY = {"engineFamily": "POSTGRESQL", "requireTls": True, "auths": [
    {"authScheme": "SECRETS", "iamAuth": "REQUIRED", "secretArn": "arn:aws:secretsmanager:us-east-1:1:secret:x"}]}


def test_proxy_requires_tls_and_iam_auth():
    assert check(rds.validate_rds_proxy_iam_tls, PROXY, GOOD_PROXY) == []
    assert check(rds.validate_rds_proxy_iam_tls, PROXY, {**GOOD_PROXY, "requireTls": False})
    loose = check(rds.validate_rds_proxy_iam_tls, PROXY,
                  {**GOOD_PROXY, "auths": [{**GOOD_PROXY["auths"][0], "iamAuth": "DISABLED"}]})
    assert loose and "iamAuth" in loose[0]
    assert check(rds.validate_rds_proxy_iam_tls, PROXY, {**GOOD_PROXY, "auths": []})
    # A first preview: the auth entries are unknown, TLS is known; nothing is guessed.
    assert check(rds.validate_rds_proxy_iam_tls, PROXY, {**GOOD_PROXY, "auths": U_LIST}) == []


def _task(secrets=(), deps=()):
    containers = [{"name": "app", "secrets": [{"name": n, "valueFrom": v} for n, v in secrets]}]
    return {"type": TASK, "name": "task", "props": {"containerDefinitions": json.dumps(containers)},
            "deps": {"containerDefinitions": list(deps)}}


MASTER = "arn:aws:secretsmanager:us-east-1:111:secret:rds!db-0123-AbCdEf"


def test_a_task_handed_the_rotated_master_password_is_warned():
    found = check_stack(rds.validate_rotated_password_in_task, [_task([("DB_PASSWORD", f"{MASTER}:password::")])])
    assert found and "rotation" in found[0][0] and found[0][1] == urn(TASK, "task")
    # Through the proxy (no secret) or another secret's password: fine.
    assert check_stack(rds.validate_rotated_password_in_task, [_task()]) == []
    own = "arn:aws:secretsmanager:us-east-1:111:secret:prod-redis-auth-AbCdEf:password::"
    assert check_stack(rds.validate_rotated_password_in_task, [_task([("REDIS_AUTH_TOKEN", own)])]) == []


def test_rotated_password_at_a_first_preview_is_decided_from_the_graph():
    db = {"type": DB, "name": "db", "props": GOOD}
    unknown = {**_task(deps=[urn(DB, "db")]), "props": {"containerDefinitions": U_STR}}
    found = check_stack(rds.validate_rotated_password_in_task, [db, unknown])
    assert found and "db" in found[0][0]
    # Built from the proxy only (IAM tokens): nothing to warn about.
    proxy = {"type": PROXY, "name": "proxy", "props": GOOD_PROXY}
    via_proxy = {**_task(deps=[urn(PROXY, "proxy")]), "props": {"containerDefinitions": U_STR}}
    assert check_stack(rds.validate_rotated_password_in_task, [db, proxy, via_proxy]) == []
    # An instance that takes IAM sign-in too cannot be judged a password-only one.
    iam_db = {**db, "props": {**GOOD, "iamDatabaseAuthenticationEnabled": True}}
    assert check_stack(rds.validate_rotated_password_in_task, [iam_db, unknown]) == []
