"""Engine versions AWS offers for a *new* database, cache or broker, and those the platform can use.

The settings refuse a version here rather than let ``pulumi up`` fail half-way (a version AWS no
longer creates) or quietly add a surcharge (a major past standard support is enrolled in paid
Extended Support).  Each check returns ``None`` when fine, else the reason, for the settings'
cross-key rules (the cache version depends on ``cache.engine``).  The cost model prices what a
hand-edited plan may still hold (docs/cost.md, "Extended Support").

Sources, read 2026-11:

* Amazon RDS for PostgreSQL release notes, "Release calendars for Amazon RDS for PostgreSQL":
  RDS end of standard support 2025-02-28 for PostgreSQL 12 and 2026-02-28 for PostgreSQL 13
  (PostgreSQL 14: 2027-02-28); RDS user guide, "Overview of Amazon RDS Extended Support": new
  databases on a major past that date are created and enrolled in Extended Support, which is
  charged per vCPU-hour, standby instances included ("Amazon RDS Extended Support charges").
  PostgreSQL 18 is the newest major RDS offers.
* ElastiCache user guide, "Supported engines and versions": node-based clusters take Redis OSS
  4.0.10, 5.0.6, 6.0, 6.2, 7.0, 7.1 and Valkey 7.2, 8.0, 8.1, 8.2, 9.0, 9.1; "ElastiCache Extended
  Support": Redis OSS 4 and 5 left standard support on 2026-01-31 and are billed for Extended
  Support from 2026-02-01.  The platform's replication group sets ``transitEncryptionMode``
  (Redis OSS 7.0.5 or later; ElastiCache 7.0 is 7.0.7) and delivers the slow log (6.0 or later):
  of the Redis OSS versions only 7.0 and 7.1 can run it.
* Amazon MQ developer guide, "Managing Amazon MQ for ActiveMQ engine versions": 5.18 and 5.19 are
  supported and are given as major.minor (patches follow with autoMinorVersionUpgrade); 5.17
  reached end of support on 2025-06-16, 5.16 on 2024-11-15, 5.15 on 2024-09-16, and no new broker
  can be created on a version within 30 days of its end of support.
"""

from __future__ import annotations

from typing import Optional

# RDS for PostgreSQL majors in standard support, and the end of standard support of older ones.
POSTGRES_MAJORS = (14, 15, 16, 17, 18)
POSTGRES_STANDARD_SUPPORT_ENDED = {12: "2025-02-28", 13: "2026-02-28"}

REDIS_VERSIONS = ("4.0.10", "5.0.6", "6.0", "6.2", "7.0", "7.1")   # offered by ElastiCache
REDIS_USABLE = ("7.0", "7.1")                                       # what the platform's settings need
REDIS_EXTENDED_SUPPORT = {"4": "2026-02-01", "5": "2026-02-01"}     # major -> Extended Support billed from
VALKEY_VERSIONS = ("7.2", "8.0", "8.1", "8.2", "9.0", "9.1")

ACTIVEMQ_VERSIONS = ("5.18", "5.19")
ACTIVEMQ_END_OF_SUPPORT = {"5.15": "2024-09-16", "5.16": "2024-11-15", "5.17": "2025-06-16"}


def _major(version: str) -> Optional[int]:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def postgres_problem(version: str) -> Optional[str]:
    """Why RDS would not create a PostgreSQL ``version`` in standard support, or None."""
    major = _major(version)
    if major is None:
        return "is no PostgreSQL version"
    if major in POSTGRES_MAJORS:
        return None
    if major < POSTGRES_MAJORS[0]:
        ended = POSTGRES_STANDARD_SUPPORT_ENDED.get(major)
        when = f"on {ended}" if ended else "before 2025"
        return (f"is PostgreSQL {major}, past the end of RDS standard support ({when}): a new instance is "
                f"enrolled in RDS Extended Support and billed per vCPU-hour on top of the instance, standby "
                f"included")
    return f"is PostgreSQL {major}, which RDS does not offer (newest major: {POSTGRES_MAJORS[-1]})"


def cache_problem(engine: str, version: str) -> Optional[str]:
    """Why ElastiCache would not run the platform's replication group on ``engine`` ``version``, or None."""
    if engine == "valkey":
        if version in VALKEY_VERSIONS:
            return None
        if (_major(version) or 0) < 7 or version in REDIS_VERSIONS:
            return "is no Valkey version (Valkey starts at 7.2)"
        return "is no Valkey version ElastiCache offers"
    if version in REDIS_USABLE:
        return None
    major = version.split(".", 1)[0]
    if version in REDIS_VERSIONS:
        extra = (f"; Redis OSS {major} is also past ElastiCache standard support (Extended Support billed from "
                 f"{REDIS_EXTENDED_SUPPORT[major]})" if major in REDIS_EXTENDED_SUPPORT else "")
        return (f"is too old for the platform's replication group: its transitEncryptionMode needs Redis OSS "
                f"7.0.5 or later{extra}")
    return "is no Redis OSS version ElastiCache offers (Redis OSS ends at 7.1; later versions are Valkey)"


def cache_versions(engine: str) -> tuple[str, ...]:
    """The versions of ``engine`` the platform's replication group can run."""
    return VALKEY_VERSIONS if engine == "valkey" else REDIS_USABLE


def activemq_problem(version: str) -> Optional[str]:
    """Why Amazon MQ would not create an ActiveMQ broker on ``version``, or None."""
    if version in ACTIVEMQ_VERSIONS:
        return None
    minor = ".".join(version.split(".")[:2])
    ended = ACTIVEMQ_END_OF_SUPPORT.get(minor)
    if ended:
        return f"reached end of support on Amazon MQ on {ended}: no new broker can be created on it"
    if minor in ACTIVEMQ_VERSIONS:
        return f"names a patch: Amazon MQ takes ActiveMQ {minor} as major.minor and applies its patches itself"
    return "is no ActiveMQ version Amazon MQ offers"


__all__ = ["ACTIVEMQ_VERSIONS", "POSTGRES_MAJORS", "REDIS_USABLE", "VALKEY_VERSIONS", "activemq_problem",
           "cache_problem", "cache_versions", "postgres_problem"]
