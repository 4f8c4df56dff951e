"""Data tier: RDS PostgreSQL, ElastiCache and EFS."""

from __future__ import annotations

from ..context import EstimateContext
from ..registry import prices
from ..resources import Res, num, truthy


@prices("aws:rds/instance:Instance")
def _rds(ctx: EstimateContext, r: Res) -> None:
    engine = str(r.inputs.get("engine") or "postgres").lower()
    cls = r.inputs.get("instanceClass")
    multi = truthy(r.inputs.get("multiAz"))
    mode = "multi-az" if multi else "single-az"
    if engine != "postgres":
        ctx.not_priced(r, f"RDS engine {engine} is not in the catalog (PostgreSQL only)")
    elif not cls:
        ctx.not_priced(r, "instanceClass unknown")
    else:
        ctx.add(r, f"RDS PostgreSQL {cls} {'Multi-AZ' if multi else 'Single-AZ'}", ctx.hours, "instance-hour",
                f"rds/postgres/{cls}/{mode}", attrs={"class": cls, "multiAz": multi, "part": "instance"})
    storage_type = r.inputs.get("storageType")
    if not storage_type:
        storage_type = "gp2"
        ctx.assume("RDS storageType not set: priced as gp2 (the RDS API default); same list price as gp3 in us-east-1")
    gb = num(r.inputs.get("allocatedStorage"), 0) or 0
    ctx.add(r, f"RDS storage {storage_type} {'Multi-AZ' if multi else 'Single-AZ'} ({gb:g} GB allocated)", gb,
            "GB-month", f"rds/storage/{storage_type}/{mode}",
            attrs={"storageType": storage_type, "multiAz": multi, "part": "storage",
                   "explicitType": bool(r.inputs.get("storageType"))})
    data_gb = ctx.use("database", "dataGbPerInstance")
    ceiling = num(r.inputs.get("maxAllocatedStorage"), gb) or gb
    growth = max(0.0, min(data_gb, max(ceiling, gb)) - gb)
    if growth > 0:
        ctx.add(r, f"RDS storage autoscaled above allocation ({data_gb:g} GB data)", growth, "GB-month",
                f"rds/storage/{storage_type}/{mode}", kind="usage", attrs={"part": "storage-growth"})
    if truthy(r.inputs.get("manageMasterUserPassword")):
        ctx.add(r, "Secrets Manager secret (RDS-managed master password)", 1, "secret-month",
                "secretsmanager/secret-month", attrs={"part": "master-secret"})
    if r.inputs.get("iops") and storage_type in ("io1", "io2"):
        ctx.not_priced(r, f"provisioned IOPS ({storage_type}) not in the catalog")


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
    price_engine = "redis" if engine in ("redis", "memcached") else engine
    ctx.add(r, f"ElastiCache {engine} {node} x {n:g} node(s)", n * ctx.hours, "node-hour",
            f"elasticache/node-hour/{node}/{price_engine}", attrs={"engine": engine, "nodeType": node, "nodes": n})


@prices("aws:efs/fileSystem:FileSystem")
def _efs(ctx: EstimateContext, r: Res) -> None:
    if (r.inputs.get("throughputMode") or "bursting") == "provisioned":
        ctx.not_priced(r, "EFS provisioned throughput is not in the catalog")
    gb = ctx.use("efs", "storedGbPerFileSystem")
    ctx.add(r, f"EFS Standard storage ({gb:g} GB stored)", gb, "GB-month", "efs/standard/gb-month", kind="usage")
