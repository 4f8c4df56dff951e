"""A generated password whose single source of truth is a Secrets Manager secret (ElastiCache AUTH
tokens, Amazon MQ users, the origin-verify header; RDS manages its own master password).

The value is drawn once (``GetRandomPassword``) into the secret's version; ``ignore_changes`` keeps
it on later runs, and consumers read it back from the version, so a replaced broker or cache gets
what services read.  Raise ``generation`` to rotate: a new version (new logical name) from a fresh
value.  ``pulumi up --replace`` on the version does not rotate: Pulumi keeps an ignored input's value
from state (Pulumi docs, "ignoreChanges", read 2026-11).  Only pulumi-aws, no second provider plugin
for one feature; the value is in Pulumi state, encrypted like any secret input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

# Alphanumeric only: Amazon MQ forbids commas, colons and equals signs in
# passwords (12-250 chars, >= 4 unique; CreateUser API); ElastiCache AUTH tokens
# forbid @, " and / (16-128 printable chars; ElastiCache user guide, "AUTH").
# Read 2026-11.
PASSWORD_LENGTH = 40

# Tag on every generated secret saying how it is rotated (tag values allow letters, digits, spaces and
# + - = . _ : / @ only).
ROTATION_TAG = "rotation"
ROTATION_HOW = "manual: raise the generation setting"


def recovery_window_days(protect: bool) -> int:
    """Days a deleted secret stays recoverable: the AWS default 30 where deletion
    protection is on, the minimum 7 elsewhere (dev)."""
    return 30 if protect else 7


@dataclass
class GeneratedCredentialsArgs:
    """A username plus a generated password, kept as JSON {"username", "password"}."""

    username: str
    """User name stored next to the password (e.g. the MQ user, or "default" for Redis AUTH)."""
    description: str
    """Secret description."""
    tags: dict[str, str]
    """Tags of the secret."""
    recovery_window_days: int = 30
    """Days Secrets Manager keeps a deleted secret (7-30); default 30, the AWS default."""
    kms_key_id: Optional[pulumi.Input[str]] = None
    """Customer managed KMS key; default None = the aws/secretsmanager key."""
    generation: int = 1
    """Password generation; raising it rotates the password (see the module docstring)."""


class GeneratedCredentials(pulumi.ComponentResource):
    """A Secrets Manager secret holding a generated password."""

    secret_arn: pulumi.Output[str]
    username: str
    password: pulumi.Output[str]

    def __init__(self, name: str, args: GeneratedCredentialsArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__("platform:secrets:GeneratedCredentials", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            description=args.description,
            recovery_window_in_days=args.recovery_window_days,
            kms_key_id=args.kms_key_id,
            # No automatic rotation (nothing could update the broker or cache in step): the tag says how
            # it is rotated instead (policy secret-rotation).
            tags={**args.tags, ROTATION_TAG: ROTATION_HOW},
            opts=child,
        )
        generated = aws.secretsmanager.get_random_password_output(
            password_length=PASSWORD_LENGTH,
            exclude_punctuation=True,
            require_each_included_type=True,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        username = args.username
        initial = pulumi.Output.secret(generated.random_password).apply(
            lambda pw: json.dumps({"username": username, "password": pw}))
        if args.generation < 1:
            raise ValueError(f"generation must be >= 1; got {args.generation}")
        # Generation 1 has the plain name; each later one its own.
        version_name = f"{name}-value" if args.generation == 1 else f"{name}-value-g{args.generation}"
        version = aws.secretsmanager.SecretVersion(
            version_name,
            secret_id=secret.id,
            secret_string=initial,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )

        self.secret_arn = secret.arn
        self.username = username
        # Read back from the version (not the invoke): the value services get.
        self.password = pulumi.Output.secret(version.secret_string).apply(
            lambda s: json.loads(s)["password"] if s else s)
        self.register_outputs({"secret_arn": self.secret_arn})


def secret_key_ref(secret_arn: pulumi.Input[str], key: str) -> pulumi.Output[str]:
    """ECS ``valueFrom`` for one JSON key of a secret: ``<arn>:<key>::``."""
    return pulumi.Output.from_input(secret_arn).apply(lambda arn: f"{arn}:{key}::")
