"""RDS for PostgreSQL connection limits and RDS Proxy pool settings the program sets and the pack checks.

RDS derives the default ``max_connections`` as ``LEAST({DBInstanceClassMemory/9531392}, 5000)``, and
``DBInstanceClassMemory`` is the class's memory minus what the OS and RDS reserve, "always somewhat lower
than the memory figures shown in the instance class tables", by an amount AWS does not publish (RDS user
guide, "DB parameter formula variables"; AWS Prescriptive Guidance, "Tuning PostgreSQL parameters:
max_connections"; read 2026-12-07).  An alarm threshold computed from nominal memory can therefore sit above
the real limit.  The program sets ``max_connections`` itself (a static parameter: ``pending-reboot``), to
the formula over a fixed share of nominal memory below any reported ``DBInstanceClassMemory``, so the plan
knows the limit and every threshold derived from it can be reached.
"""

from __future__ import annotations

PG_BYTES_PER_CONNECTION = 9531392
PG_MAX_CONNECTIONS_CAP = 5000
# Share of nominal memory the formula is applied to.  Reported live values on db.t3.micro (about 80 of a
# nominal 112) put DBInstanceClassMemory near 0.75 of nominal on the smallest class, higher on larger ones;
# 0.7 stays below it, so the set value never asks for more memory than the default would.
MEMORY_SHARE = 0.7
# Alarm share of max_connections (the plan: "connections > 90 % of max_connections for 2 minutes").
CONNECTIONS_ALARM_SHARE = 0.9

# RDS Proxy pool (ConnectionPoolConfigurationInfo; RDS API reference, read 2026-12-07): the proxy may open
# up to this share of max_connections; the rest is left for administrators and direct (password) clients,
# and keeps the database's own 90 % alarm reachable through the proxy.
PROXY_MAX_CONNECTIONS_PERCENT = 95
PROXY_MAX_IDLE_CONNECTIONS_PERCENT = 50
PROXY_BORROW_TIMEOUT_SECONDS = 120
# "Connection pool > 90 % for 2 minutes": borrowed / allowed database connections of the proxy.
PROXY_POOL_ALARM_PERCENT = 90.0
PROXY_PORT = 5432

# Memory (GiB) of an RDS instance class by family kind and size (RDS user guide, "Hardware specifications
# for DB instance classes", read 2026-11).  Burstable t3/t4g, general purpose m5/m6g/m6i/m7g/m7i, memory
# optimised r5/r6g/r6i/r7g/r7i.
_BURSTABLE_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}
_GENERAL_GIB = {"large": 8, "xlarge": 16, "2xlarge": 32, "4xlarge": 64, "8xlarge": 128, "12xlarge": 192,
                "16xlarge": 256, "24xlarge": 384}
_MEMORY_GIB = {size: 2 * gib for size, gib in _GENERAL_GIB.items()}
_FAMILIES = {"t3": _BURSTABLE_GIB, "t4g": _BURSTABLE_GIB,
             **{f: _GENERAL_GIB for f in ("m5", "m6g", "m6i", "m7g", "m7i")},
             **{f: _MEMORY_GIB for f in ("r5", "r6g", "r6i", "r7g", "r7i")}}


def known_families() -> list[str]:
    return sorted(_FAMILIES)


def instance_memory_gib(instance_class: str) -> int:
    """Nominal memory of an RDS instance class such as ``db.t3.medium``."""
    parts = instance_class.split(".")
    table = _FAMILIES.get(parts[1]) if len(parts) == 3 and parts[0] == "db" else None
    if table is None or parts[2] not in table:
        raise ValueError(f"no memory size known for RDS instance class {instance_class!r}; known families: "
                         f"{', '.join(sorted(_FAMILIES))} (add it to platform_policies/facts/rds.py)")
    return table[parts[2]]


def pg_max_connections(instance_class: str) -> int:
    """The ``max_connections`` the program sets for the class."""
    memory = MEMORY_SHARE * instance_memory_gib(instance_class) * 1024 ** 3
    return min(int(memory // PG_BYTES_PER_CONNECTION), PG_MAX_CONNECTIONS_CAP)


def connections_alarm_threshold(max_connections: int) -> int:
    """Connections above which the database alarm fires."""
    return int(CONNECTIONS_ALARM_SHARE * max_connections)
