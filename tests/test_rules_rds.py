"""RDS rules: observability, maintenance, query logging, parameter-group family, accepted values."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn
from platform_policies.rules import rds

DB, PG = rds.RDS_INSTANCE, rds.PARAMETER_GROUP
GOOD = {"engine": "postgres", "engineVersion": "16", "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "performanceInsightsEnabled": True, "autoMinorVersionUpgrade": True, "caCertIdentifier": "rds-ca-rsa2048-g1",
        "copyTagsToSnapshot": True, "allocatedStorage": 100, "maxAllocatedStorage": 500, "storageType": "gp3",
        "backupRetentionPeriod": 7, "performanceInsightsRetentionPeriod": 7, "manageMasterUserPassword": True,
        "finalSnapshotIdentifier": "prod-user-db-final-1", "parameterGroupName": "params-1"}


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
