"""ECR rules (rules/ecr.py): a compliant and a violating case per rule."""

from __future__ import annotations

import json

from test_policies_support import U_STR, check

from platform_policies.rules import ecr

REPO, LC, POLICY = ecr.REPOSITORY, ecr.LIFECYCLE_POLICY, ecr.REPOSITORY_POLICY
GOOD = {"name": "microservices-prod/order", "imageScanningConfiguration": {"scanOnPush": True},
        "imageTagMutability": "IMMUTABLE", "encryptionConfigurations": [{"encryptionType": "KMS"}]}
RULES = [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                           "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}},
         {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
          "action": {"type": "expire"}}]


def test_image_scanning():
    assert check(ecr.validate_image_scanning, REPO, GOOD) == []
    assert check(ecr.validate_image_scanning, REPO, {})


def test_tag_immutability():
    v = ecr.validate_tag_immutability
    assert check(v, REPO, GOOD) == []
    assert check(v, REPO, {**GOOD, "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}) == []
    assert check(v, REPO, {**GOOD, "imageTagMutability": "MUTABLE"}) and check(v, REPO, {})


def test_kms_encryption():
    v = ecr.validate_kms_encryption
    assert check(v, REPO, GOOD) == []
    assert check(v, REPO, {}) and check(v, REPO, {"encryptionConfigurations": [{"encryptionType": "AES256"}]})


def test_repository_policy():
    v = ecr.validate_repository_policy
    doc = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                          "Action": "ecr:BatchGetImage"}]}
    assert check(v, POLICY, {"policy": json.dumps(doc)}) == []
    doc["Statement"][0]["Principal"] = "*"
    assert check(v, POLICY, {"policy": json.dumps(doc)})
    assert check(v, POLICY, {"policy": U_STR}) == []


def test_repository_constraints():
    v = ecr.validate_repository_constraints
    assert check(v, REPO, GOOD) == []
    assert check(v, REPO, {**GOOD, "name": "Microservices/Order"})
    assert check(v, REPO, {**GOOD, "imageTagMutability": "FROZEN"})
    assert check(v, REPO, {**GOOD, "imageTagMutabilityExclusionFilters": [{"filter": "latest",
                                                                           "filterType": "WILDCARD"}]})
    assert check(v, REPO, {**GOOD, "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"})
    assert check(v, REPO, {**GOOD, "encryptionConfigurations": [{"encryptionType": "AES256", "kmsKey": "k"}]})


def test_lifecycle_policy_constraints():
    v = ecr.validate_lifecycle_policy_constraints
    assert check(v, LC, {"policy": json.dumps({"rules": RULES})}) == []
    assert check(v, LC, {"policy": "{}"})
    assert check(v, LC, {"policy": json.dumps({"rules": [RULES[1], {**RULES[0], "rulePriority": 3}]})})
    assert check(v, LC, {"policy": json.dumps({"rules": [{**RULES[0], "rulePriority": 2}, RULES[1]]})})
    tagged = {**RULES[0], "selection": {**RULES[0]["selection"], "tagStatus": "tagged"}}
    assert check(v, LC, {"policy": json.dumps({"rules": [tagged, RULES[1]]})})
    counted = {**RULES[1], "selection": {**RULES[1]["selection"], "countUnit": "days"}}
    assert check(v, LC, {"policy": json.dumps({"rules": [RULES[0], counted]})})
    assert check(v, LC, {"policy": U_STR}) == []
