"""Where a data store lands: in the platform's private subnets with its own security groups.

RDS and ElastiCache take a subnet group name and a list of security groups.  Without the first they
use the default VPC's subnets (public ones, where the platform's security groups do not exist);
with an empty second list, the VPC's default security group.  Both rules ask the same two things.
"""

from __future__ import annotations

from typing import Any

from .props import as_list, as_str, get, is_unknown


def placement_problems(props: Any, subnet_group_key: str, security_groups_key: str, what: str,
                       check_subnet_group: bool = True) -> list[str]:
    """What is wrong with the placement of ``what`` ("the database", "the cache"), one message each.

    ``check_subnet_group`` False where the store takes its subnet group from elsewhere (a read replica)."""
    problems = []
    group = as_str(get(props, subnet_group_key))
    if check_subnet_group and not is_unknown(group) and group in (None, "", "default"):
        problems.append(f"{subnet_group_key} is not set (or 'default'): {what} lands in the default VPC's subnets. "
                        f"Use the platform's private subnet group.")
    groups = as_list(get(props, security_groups_key))
    if not is_unknown(groups) and not groups:
        problems.append(f"{security_groups_key} is empty: {what} gets the VPC's default security group.")
    return problems
