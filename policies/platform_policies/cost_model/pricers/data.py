"""Data tier: RDS PostgreSQL (instances and read replicas), ElastiCache and EFS.

Catalog prices are per Single-AZ instance and per Redis OSS node; the AWS billing rules in the
catalog's ``facts`` do the rest: a Multi-AZ instance is two instances (hours and storage), a
Valkey node costs 0.8 x the Redis OSS node.  A major past standard support adds the Extended
Support charge: per vCPU-hour of every RDS instance (standby and replicas included), per node-hour
of an ElastiCache cache - or, without its price in the catalog, the resource is unpriced.
"""

from __future__ import annotations

from typing import Optional

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res, num, truthy

RDS = "aws:rds/instance:Instance"


def _replica_source(ctx: EstimateContext, r: Res) -> Optional[Res]:
    """The instance a read replica copies (``replicateSourceDb``: identifier or ARN, or its dependency)."""
    src = ctx.built_from(r, "replicateSourceDb", RDS)
    if src is not None:
        return src
    ref = r.inputs.get("replicateSourceDb")
    if isinstance(ref, str) and ref:
        for src in ctx.of_type(RDS):
            if src is not r and ref in (src.inputs.get("identifier"), src.inputs.get("arn"), src.name):
                return src
    return None


def _major(version: object) -> Optional[int]:
    """16 for "16", "16.6" or 16; None when unknown."""
    head = str(version).split(".", 1)[0] if version is not None else ""
    return int(head) if head.isdigit() else None


def _rds_extended_support(ctx: EstimateContext, r: Res, origin: Res, cls: str, copies: float, rule: str) -> None:
    """The Extended Support line of an instance on a PostgreSQL major past RDS standard support."""
    major = _major(r.inputs.get("engineVersion") or origin.inputs.get("engineVersion"))
    if major is None or major >= ctx.cat.fact("rds/postgres/oldest-standard-support-major"):
        return
    vcpu = (ctx.cat.get(f"rds/postgres/{cls}") or {}).get("vcpu")
    if vcpu is None:
        ctx.not_priced(r, f"RDS Extended Support of PostgreSQL {major} is billed per vCPU; the catalog has no "
                          f"vCPU count for {cls}")
        return
    ctx.add(r, f"RDS Extended Support, PostgreSQL {major} ({vcpu:g} vCPU x {copies:g} instance(s))",
            copies * vcpu * ctx.hours, "vCPU-hour", f"rds/extended-support/postgres/{major}",
            attrs={"part": "extended-support", "major": major}, rule=rule)


def _is_replica(r: Res) -> bool:
    return bool(r.inputs.get("replicateSourceDb")) or bool(r.property_dependencies.get("replicateSourceDb"))


@prices(RDS)
def _rds(ctx: EstimateContext, r: Res) -> None:
    replica = _is_replica(r)
    src = _replica_source(ctx, r) if replica else None
    if replica and src is None:
        ctx.not_priced(r, "read replica whose source instance is not in the plan: its engine and storage are unknown")
        return
    origin = src or r  # a replica takes engine, allocated storage and storage type from its source
    engine = str(r.inputs.get("engine") or origin.inputs.get("engine") or "postgres").lower()
    cls = r.inputs.get("instanceClass") or origin.inputs.get("instanceClass")
    multi = truthy(r.inputs.get("multiAz"))
    copies = ctx.cat.fact("rds/multi-az-instances") if multi else 1.0
    az = "Multi-AZ" if multi else "Single-AZ"
    rule = f"Multi-AZ = {copies:g} instances (primary + standby)" if multi else ""
    what = "RDS PostgreSQL read replica" if replica else "RDS PostgreSQL"
    if engine != "postgres":
        ctx.not_priced(r, f"RDS engine {engine} is not in the catalog (PostgreSQL only)")
    elif not cls:
        ctx.not_priced(r, "instanceClass unknown")
    else:
        ctx.add(r, f"{what} {cls} {az}", copies * ctx.hours, "instance-hour", f"rds/postgres/{cls}",
                attrs={"class": cls, "multiAz": multi, "part": "instance", "replica": replica}, rule=rule)
        _rds_extended_support(ctx, r, origin, cls, copies, rule)
    storage_type = r.inputs.get("storageType") or origin.inputs.get("storageType")
    if not storage_type:
        storage_type = "gp2"
        ctx.assume("RDS storageType not set: priced as gp2 (the RDS API default); same list price as gp3 in us-east-1")
    gb = num(origin.inputs.get("allocatedStorage"), 0) or 0
    ceiling = max(num(r.inputs.get("maxAllocatedStorage"), None) or num(origin.inputs.get("maxAllocatedStorage"), gb)
                  or gb, gb)
    data_gb = ctx.use("database", "dataGbPerInstance")
    growth = max(0.0, min(data_gb, ceiling) - gb)
    src_txt = f", as its source {src.name}" if src is not None else ""
    ctx.add(r, f"RDS storage {storage_type} {az} ({gb:g} GB allocated{src_txt})", copies * gb, "GB-month",
            f"rds/storage/{storage_type}", peak=copies * ceiling, rule=rule,
            attrs={"storageType": storage_type, "multiAz": multi, "part": "storage", "ceilingGb": ceiling,
                   "explicitType": bool(r.inputs.get("storageType") or origin.inputs.get("storageType"))})
    if growth > 0:
        ctx.add(r, f"RDS storage autoscaled above allocation ({data_gb:g} GB data)", copies * growth, "GB-month",
                f"rds/storage/{storage_type}", kind="usage", peak=0.0, rule=rule,
                attrs={"part": "storage-growth"}, usage={"database.dataGbPerInstance": data_gb})
    if truthy(r.inputs.get("manageMasterUserPassword")):
        ctx.add(r, "Secrets Manager secret (RDS-managed master password)", 1, "secret-month",
                "secretsmanager/secret-month", attrs={"part": "master-secret"})
    if r.inputs.get("iops") and storage_type in ("io1", "io2"):
        ctx.not_priced(r, f"provisioned IOPS ({storage_type}) not in the catalog")
    if storage_type == "gp3" and (num(r.inputs.get("iops"), 0) or 0) > 12000:
        ctx.not_priced(r, "gp3 IOPS above the included baseline are not in the catalog")
    insights = str(r.inputs.get("databaseInsightsMode") or "standard").lower()
    retention = num(r.inputs.get("performanceInsightsRetentionPeriod"), 7) or 7
    if truthy(r.inputs.get("performanceInsightsEnabled")) and (insights == "advanced" or retention > 7):
        ctx.not_priced(r, "Database Insights advanced / Performance Insights beyond 7 days is billed per vCPU "
                          "and is not in the catalog")


def _proxied_instance(ctx: EstimateContext, proxy: Res) -> Optional[Res]:
    """The RDS instance a proxy's target registers (ProxyTarget dbProxyName -> proxy, dbInstanceIdentifier)."""
    for target in ctx.of_type("aws:rds/proxyTarget:ProxyTarget"):
        if ctx.built_from(target, "dbProxyName", proxy.type) is proxy or \
                (proxy.inputs.get("name") and target.inputs.get("dbProxyName") == proxy.inputs.get("name")):
            db = ctx.built_from(target, "dbInstanceIdentifier", RDS)
            if db is None:
                ident = target.inputs.get("dbInstanceIdentifier")
                db = next((r for r in ctx.of_type(RDS) if ident and r.inputs.get("identifier") == ident), None)
            return db
    return None


@prices("aws:rds/proxy:Proxy")
def _rds_proxy(ctx: EstimateContext, r: Res) -> None:
    db = _proxied_instance(ctx, r)
    cls = db.inputs.get("instanceClass") if db is not None else None
    vcpu = (ctx.cat.get(f"rds/postgres/{cls}") or {}).get("vcpu") if cls else None
    if vcpu is None:
        ctx.not_priced(r, "RDS Proxy is billed per vCPU of the instance it serves; "
                          + (f"the catalog has no vCPU count for {cls}" if cls else "no proxied instance in the plan"))
        return
    minimum = ctx.cat.fact("rds/proxy/minimum-vcpu")
    billed = max(float(vcpu), minimum)
    ctx.add(r, f"RDS Proxy for {cls} ({billed:g} vCPU billed)", billed * ctx.hours, "vCPU-hour",
            "rds/proxy/vcpu-hour", attrs={"class": cls, "vcpu": vcpu},
            rule=f"billed vCPUs = max(instance vCPUs, {minimum:g})")


@prices("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster")
def _elasticache(ctx: EstimateContext, r: Res) -> None:
    engine = str(r.inputs.get("engine") or "redis").lower()
    node = r.inputs.get("nodeType")
    if r.type.endswith("Cluster") and r.inputs.get("replicationGroupId") and not node:
        return  # a member of a replication group: priced on the group
    if r.type.endswith("ReplicationGroup"):
        n = num(r.inputs.get("numCacheClusters"))
        if n is None:
            groups = num(r.inputs.get("numNodeGroups"), 1) or 1
            replicas = num(r.inputs.get("replicasPerNodeGroup"), 0) or 0
            n = groups * (replicas + 1)
    else:
        n = num(r.inputs.get("numCacheNodes"), 1) or 1
    if engine not in ("redis", "valkey", "memcached"):
        ctx.not_priced(r, f"ElastiCache engine {engine} is not in the catalog")
        return
    factor = ctx.cat.fact("elasticache/valkey-price-factor") if engine == "valkey" else 1.0
    rule = f"Valkey = {factor:g} x Redis OSS node price" if engine == "valkey" else ""
    ctx.add(r, f"ElastiCache {engine} {node} x {n:g} node(s)", n * ctx.hours, "node-hour",
            f"elasticache/node-hour/{node}", attrs={"engine": engine, "nodeType": node, "nodes": n},
            factor=factor, rule=rule)
    major = _major(r.inputs.get("engineVersion"))
    if engine == "redis" and major is not None and \
            major < ctx.cat.fact("elasticache/redis/oldest-standard-support-major"):
        ctx.add(r, f"ElastiCache Extended Support, Redis OSS {major} ({n:g} node(s))", n * ctx.hours, "node-hour",
                f"elasticache/extended-support/redis/{major}", attrs={"part": "extended-support", "major": major})


@prices("aws:efs/fileSystem:FileSystem")
def _efs(ctx: EstimateContext, r: Res) -> None:
    mode = r.inputs.get("throughputMode") or "bursting"
    if mode == "provisioned":
        ctx.not_priced(r, "EFS provisioned throughput is not in the catalog")
    gb = ctx.use("efs", "storedGbPerFileSystem")
    ctx.add(r, f"EFS Standard storage ({gb:g} GB stored)", gb, "GB-month", "efs/standard/gb-month", kind="usage",
            usage={"efs.storedGbPerFileSystem": gb})
    if mode == "elastic":
        for direction in ("read", "write"):
            key = f"{direction}GbPerMonth"
            moved = ctx.use("efs", key)
            if moved:
                ctx.add(r, f"EFS Elastic throughput, {direction}s ({moved:g} GB)", moved, "GB",
                        f"efs/elastic/{direction}-gb", kind="usage", usage={f"efs.{key}": moved})


@prices("aws:efs/backupPolicy:BackupPolicy")
def _efs_backup(ctx: EstimateContext, r: Res) -> None:
    """An ENABLED backup policy puts the file system in AWS Backup's default plan (daily backups kept
    35 days, Amazon EFS user guide, "Automatic backups"): the first backup is full, the later ones
    incremental, billed as backup storage per GB-month.  The usage key says how much that is."""
    policy = r.inputs.get("backupPolicy")
    if not isinstance(policy, dict) or policy.get("status") != "ENABLED":
        ctx.count_free("aws:efs/backupPolicy:BackupPolicy (backups off)")
        return
    gb = ctx.use("efs", "backupGbPerFileSystem")
    ctx.add(r, f"AWS Backup storage of the EFS automatic backups ({gb:g} GB)", gb, "GB-month",
            "backup/efs/warm/gb-month", kind="usage", usage={"efs.backupGbPerFileSystem": gb})
