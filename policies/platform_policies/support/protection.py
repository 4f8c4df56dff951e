"""The part of stateful-resource-protection shared by services without deletion protection of their own."""

from __future__ import annotations

from typing import Any, Callable

from .props import as_bool


def is_protected(args: Any) -> bool:
    """The Pulumi `protect` resource option (sent by the engine with the resource's options)."""
    return bool(getattr(getattr(args, "opts", None), "protect", False))


def require_protect_when_strict(what: str) -> Callable[[Any, Callable[..., None], dict], None]:
    """A stateful-resource-protection check for a service with no deletion-protection flag.

    MSK, Amazon MQ, EFS and ElastiCache replication groups have no deletion-protection flag (MSK
    CreateCluster, Amazon MQ CreateBroker, EFS CreateFileSystem, ElastiCache CreateReplicationGroup API
    references, read 2026-11): the only guard against a `pulumi destroy` or a replacing change is Pulumi's
    `protect` option, so strict stacks (requireDeletionProtection) require it.  With requireProtect the
    common part of the policy already reports it."""
    def check(args, report_violation, opts) -> None:
        strict = as_bool(opts.get("requireDeletionProtection"), True)
        if strict and not as_bool(opts.get("requireProtect"), False) and not is_protected(args):
            report_violation(f"{what} has no deletion protection of its own and the Pulumi `protect` option is "
                             f"not set: a destroy or a replacing change deletes its data.", None)
    return check
