"""IAM documents and role wiring shared by the tiers."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws


def assume_role_policy(service_principal: str) -> str:
    """Trust policy letting one AWS service principal assume a role (no conditions)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service_principal}, "Action": "sts:AssumeRole"}]})


def granted_arn(role: aws.iam.Role, *policies: pulumi.Resource) -> pulumi.Output[str]:
    """The ARN of ``role`` as an output that also depends on every one of its ``policies`` (inline
    policies and managed-policy attachments, each a resource of its own).

    Hand a role to a resource through this value: the resource then waits until the role holds its
    permissions.  Without it Pulumi creates the policies and the role's user in parallel, and a
    service that checks the role on create fails (ECS with the load-balancer infrastructure role:
    "Unable to assume role and validate the specified targetGroupArn").  The URNs are known in a
    preview too, so the ARN is as known as the role's own."""
    return pulumi.Output.all(role.arn, *(p.urn for p in policies)).apply(lambda values: values[0])
