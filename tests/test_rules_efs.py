"""EFS rules: mount target per AZ (mission rule), backups, access points, policies, accepted values."""

from __future__ import annotations

import json

from test_policies_support import U_STR, check, check_stack, urn
from platform_policies.rules import cross_service, efs

FS, MT, AP, BP, POL = efs.EFS_FILE_SYSTEM, efs.MOUNT_TARGET, efs.ACCESS_POINT, efs.BACKUP_POLICY, efs.FILE_SYSTEM_POLICY
SVC, VPC = efs.ECS_SERVICE, "awsx:ec2:Vpc"


def _graph(mount_subnets, service_subnets=("s-a", "s-b", "s-c"), azs=("a", "b", "c")):
    fs_urn = urn(FS, "fs")
    res = [{"type": VPC, "name": "vpc", "props": {"availabilityZoneNames": list(azs)}},
           {"type": FS, "name": "fs", "props": {"encrypted": True}}]
    for i, subnet in enumerate(mount_subnets):
        res.append({"type": MT, "name": f"mt{i}", "props": {"fileSystemId": "fs-1", "subnetId": subnet},
                    "deps": {"fileSystemId": [fs_urn], "subnetId": [urn(VPC, "vpc")]}})
    res.append({"type": SVC, "name": "svc", "props": {"networkConfiguration": {"subnets": list(service_subnets)}},
                "deps": {"networkConfiguration": [urn(VPC, "vpc")]}})
    return res


def test_mount_target_in_every_service_subnet():
    assert check_stack(efs.validate_efs_mount_targets, _graph(["s-a", "s-b", "s-c"])) == []
    found = check_stack(efs.validate_efs_mount_targets, _graph(["s-a", "s-b"]))
    assert len(found) == 1 and "s-c" in found[0][0] and found[0][1] == urn(FS, "fs")
    assert check_stack(efs.validate_efs_mount_targets, _graph([]))  # no mount target at all


def test_mount_targets_counted_against_azs_when_ids_are_unknown():
    unknown = [U_STR, U_STR]
    found = check_stack(efs.validate_efs_mount_targets, _graph(unknown, service_subnets=[U_STR] * 3))
    assert found and "3 AZs" in found[0][0]
    assert check_stack(efs.validate_efs_mount_targets, _graph([U_STR] * 3, service_subnets=[U_STR] * 3)) == []


def test_one_mount_target_per_subnet():
    assert check_stack(efs.validate_mount_targets_one_per_subnet, _graph(["s-a", "s-b"])) == []
    assert check_stack(efs.validate_mount_targets_one_per_subnet, _graph(["s-a", "s-a"]))


def test_backup_policy_required():
    fs = {"type": FS, "name": "fs", "props": {}}
    good = {"type": BP, "name": "bp", "props": {"backupPolicy": {"status": "ENABLED"}},
            "deps": {"fileSystemId": [urn(FS, "fs")]}}
    assert check_stack(efs.validate_efs_backup, [fs, good]) == []
    off = {**good, "props": {"backupPolicy": {"status": "DISABLED"}}}
    assert check_stack(efs.validate_efs_backup, [dict(fs), off])
    assert check_stack(efs.validate_efs_backup, [dict(fs)])


def test_access_point_identity():
    good = {"posixUser": {"uid": 1000, "gid": 1000}, "rootDirectory": {"path": "/shared"}}
    assert check(efs.validate_access_point_identity, AP, good) == []
    assert check(efs.validate_access_point_identity, AP, {"rootDirectory": {"path": "/shared"}})
    assert check(efs.validate_access_point_identity, AP, {**good, "rootDirectory": {"path": "/"}})
    assert check(efs.validate_access_point_identity, AP, {**good, "posixUser": {"uid": 0, "gid": 0}})


def _policy(*statements):
    return {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


TLS_DENY = {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def test_file_system_policy_tls_and_not_public():
    v = cross_service.validate_encryption_in_transit
    assert check(v, POL, _policy(TLS_DENY)) == []
    assert check(v, POL, _policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*"}))
    public = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount"}
    assert check(efs.validate_file_system_policy_not_public, POL, _policy(TLS_DENY, public))
    assert check(efs.validate_file_system_policy_not_public, POL, _policy(TLS_DENY)) == []


def test_efs_values():
    v = efs.validate_efs_values
    assert check(v, FS, {"throughputMode": "elastic", "performanceMode": "generalPurpose"}) == []
    assert check(v, FS, {"throughputMode": "provisioned"})
    assert check(v, FS, {"throughputMode": "elastic", "performanceMode": "maxIO"})
    assert check(v, FS, {"lifecyclePolicies": [{"transitionToIa": "AFTER_31_DAYS"}]})
    assert check(v, AP, {"rootDirectory": {"path": "shared", "creationInfo": {"permissions": "0775"}}})
    assert check(v, AP, {"rootDirectory": {"path": "/s", "creationInfo": {"permissions": "rwx"}}})
    assert check(v, AP, {"posixUser": {"uid": -1, "gid": 1}})


def test_stateful_protection_needs_protect_in_strict_stacks():
    v = cross_service.validate_stateful_protection
    assert check(v, FS, {}, protect=True) == []
    assert check(v, FS, {})
    assert check(v, FS, {}, config={"requireDeletionProtection": False}) == []
