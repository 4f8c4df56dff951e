"""Rules that involve more than one key of the stack settings, run on a config that parsed cleanly."""

from __future__ import annotations

import re
from typing import Any

from platform_policies.facts import offers, zones
from platform_policies.facts.fargate import FARGATE_SIZES
from platform_policies.facts.rds import instance_memory_gib, known_families

from ..edge.routing import DEFAULT_ROUTE_PATHS, path_problem
from .engines import cache_problem, cache_versions
from .placeholders import placeholder_problems
from .weekdays import days_per_month, parse_days

# ECS runs at most 5,000 tasks per service (Amazon ECS service quotas, "Tasks per service", read 2026-11).
LOAD_TEST_MAX_WORKERS = 5000
REGION_PATTERN = r"[a-z]{2}(-gov)?-[a-z]+-\d"


def _fargate_size_errors(key: str, size: Any) -> list[str]:
    """The error for a ``<key>.memory`` that is no Fargate pair with its cpu, if it is not."""
    if size.memory in FARGATE_SIZES.get(size.cpu, ()):
        return []
    return [f"{key}.memory: {size.memory} MiB is not valid with cpu {size.cpu}; "
            f"allowed for cpu {size.cpu}: {', '.join(map(str, FARGATE_SIZES[size.cpu]))}"]


def cross_key_errors(cfg: Any, region: str, p: str, disabled: frozenset[str] = frozenset()) -> list[str]:
    """What is wrong across keys of ``cfg`` (a StackSettings that parsed cleanly); ``p`` starts every key
    (``microservices-platform:``), ``disabled`` are the services the stack removed (``enabled: false``)."""
    errors: list[str] = []

    if not re.fullmatch(REGION_PATTERN, region or ""):
        errors.append(f"aws:region: got {region!r}; allowed: an AWS region such as us-east-1")
    if not cfg.services:
        errors.append(f"{p}services: no services configured; allowed: a map of service name to settings")
    for name, svc in cfg.services.items():
        errors += _fargate_size_errors(f"{p}services.{name}", svc)
    if cfg.serviceSizeOverride is not None:
        errors += _fargate_size_errors(f"{p}serviceSizeOverride", cfg.serviceSizeOverride)
    for name, svc in cfg.services.items():
        problem = path_problem(svc.path) if svc.public else None
        if problem:
            errors.append(f"{p}services.{name}.path: {svc.path!r} {problem}; allowed: another path pattern")
    public_default = [n for n, s in cfg.services.items() if s.public and s.path in DEFAULT_ROUTE_PATHS]
    if cfg.services and not any(s.public for s in cfg.services.values()):
        errors.append(f"{p}services: no service is public; allowed: at least one service with public: true "
                      f"(the ALB's default route)")
    elif len(public_default) > 1:
        errors.append(f"{p}services: {', '.join(public_default)} all take the default route ('' or '/*'); "
                      f"allowed: one public service with that path, the others with their own")
    sc = cfg.scaling
    if not sc.minCount <= sc.desiredCount <= sc.maxCount:
        errors.append(f"{p}scaling: need minCount <= desiredCount <= maxCount; got "
                      f"{sc.minCount} <= {sc.desiredCount} <= {sc.maxCount}; allowed: counts in that order")
    else:
        for name in cfg.services:
            own = cfg.service_scaling(name)
            if own is not sc and not own.minCount <= own.desiredCount <= own.maxCount:
                errors.append(f"{p}services.{name}: need minCount <= desiredCount <= maxCount (unset counts come "
                              f"from scaling); got {own.minCount} <= {own.desiredCount} <= {own.maxCount}; "
                              f"allowed: counts in that order")
    known = set(cfg.services)
    refs = [("database.owners", o) for o in cfg.database.owners] + [
        ("cache.owner", cfg.cache.owner), ("mq.owner", cfg.mq.owner)] + [
        ("efs.mountedBy", o) for o in cfg.efs.mountedBy] + [
        ("kafka.clients", o) for o in cfg.kafka.clients]
    for key, svc_name in refs:
        if svc_name in disabled:
            errors.append(f"{p}{key}: {svc_name!r} is disabled (services.{svc_name}.enabled: false); allowed: "
                          f"an enabled service: {', '.join(sorted(known))}")
        elif svc_name not in known:
            errors.append(f"{p}{key}: {svc_name!r} is not a configured service; allowed: {', '.join(sorted(known))}")
    db = cfg.database
    try:
        instance_memory_gib(db.instanceClass)
    except ValueError:
        errors.append(f"{p}database.instanceClass: {db.instanceClass!r} has no known memory size, which sets "
                      f"max_connections; allowed: a class of the families {', '.join(known_families())}")
    for name, svc in cfg.services.items():
        if svc.databaseAuth == "password" and name not in db.owners:
            errors.append(f"{p}services.{name}.databaseAuth: {name!r} owns no database (database.owners); "
                          f"allowed: iam (the default), or password only for a database owner")
    if db.maxAllocatedStorageGb <= db.allocatedStorageGb:
        # RDS takes MaxAllocatedStorage only above AllocatedStorage (CreateDBInstance API reference).
        errors.append(f"{p}database.maxAllocatedStorageGb: {db.maxAllocatedStorageGb} is not above "
                      f"allocatedStorageGb {db.allocatedStorageGb}; allowed: more than allocatedStorageGb "
                      f"(RDS storage autoscaling needs a ceiling above the allocation)")
    if cfg.multiAz.cache and cfg.cache.replicas < 1:
        errors.append(f"{p}cache.replicas: Multi-AZ (multiAz.cache=true) needs at least 1 replica; got 0; "
                      f"allowed: 1 to 5, or multiAz.cache: false")
    cache_version_problem = cache_problem(cfg.cache.engine, cfg.cache.engineVersion)
    if cache_version_problem:
        errors.append(f"{p}cache.engineVersion: {cfg.cache.engineVersion!r} {cache_version_problem}; allowed with "
                      f"cache.engine={cfg.cache.engine}: {', '.join(cache_versions(cfg.cache.engine))}")
    if cfg.kafka.maxStorageGb < cfg.kafka.storageGb:
        errors.append(f"{p}kafka.maxStorageGb: below kafka.storageGb; allowed: >= {cfg.kafka.storageGb}")
    if cfg.multiAz.broker and cfg.mq.hostType == "mq.t3.micro":
        errors.append(f"{p}mq.hostType: mq.t3.micro supports only SINGLE_INSTANCE; allowed with "
                      f"multiAz.broker=true: mq.m5.large or larger (or set multiAz.broker=false)")
    errors += _zone_id_errors(cfg, region, p)
    errors += _offer_errors(cfg, region, p)
    errors += _edge_mode_errors(cfg.edge, p + "edge.")
    errors += placeholder_problems(cfg, region, p)
    if cfg.edge.originVerifyAcceptPrevious and cfg.edge.originVerifyGeneration < 2:
        errors.append(f"{p}edge.originVerifyAcceptPrevious: there is no previous generation at "
                      f"originVerifyGeneration=1; allowed: true only with originVerifyGeneration >= 2")
    if cfg.schedule.enabled and cfg.schedule.startHour + cfg.schedule.hoursPerDay > 24:
        errors.append(f"{p}schedule: startHour + hoursPerDay is {cfg.schedule.startHour + cfg.schedule.hoursPerDay}; "
                      f"allowed: at most 24 (the schedule ends the same day)")
    errors += _days_per_month_errors(cfg.schedule, p)
    errors += _load_test_errors(cfg, p)
    return errors


def _zone_id_errors(cfg: Any, region: str, p: str) -> list[str]:
    """Pinned zone IDs: azCount of them, of the stack's region, none a service of the stack is documented as not
    offered in.  Whether the account has the zone is known only to getAvailabilityZones (the network tier)."""
    pinned = list(cfg.availabilityZoneIds)
    if not pinned:
        return []
    key = f"{p}availabilityZoneIds"
    if len(pinned) != cfg.azCount:
        return [f"{key}: {len(pinned)} zone ID(s) for azCount {cfg.azCount}; allowed: exactly {cfg.azCount} zone IDs "
                f"(one per AZ), or none to let the stack choose"]
    prefix = zones.zone_prefix(region)
    foreign = [z for z in pinned if (prefix and not z.startswith(prefix + "-az"))
               or (not prefix and zones.region_of_zone_id(z) not in (None, region))]
    if foreign:
        shown = f"{prefix}-az<n>, e.g. {', '.join(zones.REGION_ZONE_IDS[region][:2])}" if prefix else "its zone IDs"
        return [f"{key}: {', '.join(foreign)} is not a zone of {region}; allowed: zone IDs of {region} ({shown})"]
    features = cfg.zone_features()
    errors = []
    for zone_id in pinned:
        services = sorted({zones.FEATURES[e.feature] for e in zones.exclusions(features, region, zones.DOCUMENTED)
                           if zone_id in e.zone_ids})
        if services:
            errors.append(f"{key}: {zone_id} does not offer {', '.join(services)} (AWS documentation, "
                          f"platform_policies/facts/zones.py); allowed: another zone ID of {region}")
    return errors


def _offer_errors(cfg: Any, region: str, p: str) -> list[str]:
    """Types AWS documents as not offered in the stack's region (or by the engine anywhere; facts/offers.py).
    A region the table does not cover is the pack's to refuse (region-offers), not the settings'."""
    chosen = [("database.instanceClass", offers.RDS_POSTGRES_CLASS, cfg.database.instanceClass),
              ("cache.nodeType", offers.CACHE_NODE_TYPE, cfg.cache.nodeType),
              ("cache.engine", offers.CACHE_ENGINE, cfg.cache.engine),
              ("kafka.brokerType", offers.MSK_BROKER_TYPE, cfg.kafka.brokerType),
              ("mq.hostType", offers.MQ_ACTIVEMQ_HOST, cfg.mq.hostType)]
    errors = []
    for key, kind, value in chosen:
        if offers.decide(region, kind, value)[0] == offers.NOT_OFFERED:
            there = offers.offered(region, kind)
            errors.append(f"{p}{key}: {value} is not offered in {region} ({offers.KINDS[kind]}; "
                          f"platform_policies/facts/offers.py); allowed: "
                          f"{', '.join(there) if there else 'another type'}")
    return errors


def _load_test_errors(cfg: Any, p: str) -> list[str]:
    """A load test that cannot run as configured (sizes and worker count also while it is off, so turning it on
    never meets an old mistake)."""
    lt = cfg.loadTest
    errors = []
    for role, cpu, memory in (("worker", lt.workerCpu, lt.workerMemory), ("master", lt.masterCpu, lt.masterMemory)):
        if memory not in FARGATE_SIZES.get(cpu, ()):
            errors.append(f"{p}loadTest.{role}Memory: {memory} MiB is not valid with {role}Cpu {cpu}; allowed for cpu {cpu}: "
                          f"{', '.join(map(str, FARGATE_SIZES[cpu]))}")
    if lt.workers() > LOAD_TEST_MAX_WORKERS:
        errors.append(f"{p}loadTest.usersPerWorker: users {lt.users} / usersPerWorker {lt.usersPerWorker} needs "
                      f"{lt.workers()} workers; allowed: at most {LOAD_TEST_MAX_WORKERS} (ECS tasks per service), "
                      f"so usersPerWorker >= {-(-lt.users // LOAD_TEST_MAX_WORKERS)}")
    if lt.enabled and not cfg.edge.cdn:
        errors.append(f"{p}edge.cdn: false, but the load test enters through CloudFront (the API stage "
                      f"needs an API key and its usage plan would throttle the test); allowed: edge.cdn true, or "
                      f"loadTest.enabled false")
    return errors


def _days_per_month_errors(schedule: Any, p: str) -> list[str]:
    """The deprecated ``schedule.daysPerMonth`` is kept only where it says what ``schedule.days`` does (a whole day
    count around its monthly average, MON-FRI: 21.7): the schedule is weekly, another count cannot be honoured."""
    if schedule.daysPerMonth is None:
        return []
    average = days_per_month(parse_days(schedule.days) or frozenset())
    if int(average) <= schedule.daysPerMonth <= -int(-average // 1):
        return []
    return [f"{p}schedule.daysPerMonth: {schedule.daysPerMonth} cannot be honoured: the services run every "
            f"week on schedule.days ({schedule.days} = {average:.1f} days in the average month) and the cost follows "
            f"the schedule; allowed: remove schedule.daysPerMonth (deprecated) and choose the days with "
            f"schedule.days, e.g. MON-THU ({days_per_month(frozenset(range(1, 5))):.1f} days)"]


def deprecation_notes(cfg: Any) -> list[str]:
    """Keys that still work but should go (preflight shows the notes with the settings stage)."""
    if cfg.schedule.daysPerMonth is None:
        return []
    return [f"schedule.daysPerMonth is deprecated and changes nothing: the schedule and its cost follow "
            f"schedule.days ({cfg.schedule.days}); remove the key"]


def _edge_mode_errors(edge: Any, p: str) -> list[str]:
    """The edge keys that only work together (docs/edge.md, edge modes); the certificates' regions
    are checked with the other ARNs (placeholders.py)."""
    errors = []
    if edge.certificateArn:
        if not edge.domainName:
            errors.append(f"{p}domainName: required with edge.certificateArn; allowed: the DNS name the certificate "
                          f"covers (API Gateway and CloudFront verify the ALB certificate against it)")
    elif edge.domainName and not edge.hostedZoneId:
        errors.append(f"{p}hostedZoneId: required for a managed certificate of edge.domainName (DNS validation); "
                      f"allowed: the Route 53 zone of {edge.domainName}, or set edge.certificateArn")
    if edge.hostedZoneId and not edge.domainName:
        errors.append(f"{p}hostedZoneId: set without edge.domainName; allowed: unset, or set edge.domainName too")
    if edge.cdnAliases and not (edge.cdnCertificateArn or edge.hostedZoneId):
        errors.append(f"{p}cdnAliases: CloudFront aliases need a certificate; allowed: aliases with edge.cdnCertificateArn (us-east-1) "
                      f"or edge.hostedZoneId (managed certificate)")
    if edge.domainName and edge.domainName in edge.cdnAliases:
        errors.append(f"{p}cdnAliases: {edge.domainName!r} is edge.domainName, the internal ALB's name; allowed: "
                      f"other names for CloudFront")
    return errors
