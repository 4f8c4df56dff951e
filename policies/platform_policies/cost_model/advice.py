"""Cost-optimisation advice on an estimate: Graviton, gp3, Valkey, commitments and Spot.

Every saving is priced from the same catalog as the estimate.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .catalog import Catalog, load_catalog


_GRAVITON_RDS = {"db.t3.": "db.t4g.", "db.m5.": "db.m6g.", "db.m6i.": "db.m7g.", "db.r5.": "db.r6g."}
_GRAVITON_CACHE = {"cache.t3.": "cache.t4g.", "cache.m5.": "cache.m6g.", "cache.r5.": "cache.r6g."}
_GRAVITON_MSK = {"kafka.m5.": "kafka.m7g."}


def _swap(value: str, table: Mapping[str, str]) -> Optional[str]:
    for old, new in table.items():
        if value.startswith(old):
            return new + value[len(old):]
    return None


def advice(est: Mapping[str, Any], catalog: Optional[Catalog] = None) -> dict[str, list[dict]]:
    """Cost-optimisation findings: {kind: [{urn, resource, message, monthly_saving_usd}]}.

    kinds: graviton, gp3, valkey, commitments, spot.  Savings use the same catalog.
    """
    cat = catalog or load_catalog(est["region"])
    out: dict[str, list[dict]] = {"graviton": [], "gp3": [], "valkey": [], "commitments": [], "spot": []}
    fargate_by_svc: dict[str, list[dict]] = {}
    for l in est["lines"]:
        if l["price_key"].startswith(("fargate/vcpu-hour/", "fargate/gb-hour/")):
            fargate_by_svc.setdefault(l["urn"], []).append(l)
    arm_vcpu, x86_vcpu = cat.usd("fargate/vcpu-hour/ARM64"), cat.usd("fargate/vcpu-hour/X86_64")
    # Graviton: Fargate x86 -> ARM64
    for urn, ls in fargate_by_svc.items():
        od = [l for l in ls if not l["attrs"].get("spot")]
        x86 = [l for l in od if l["attrs"].get("arch") == "X86_64"]
        if x86:
            saving = sum(l["quantity"] * (l["unit_price"] - (cat.usd(l["price_key"].replace("X86_64", "ARM64"))
                                                             or l["unit_price"])) for l in x86)
            if saving > 0.005:
                out["graviton"].append({"urn": urn, "resource": x86[0]["resource"], "monthly_saving_usd": saving,
                                        "message": f"{x86[0]['resource']}: run the task as ARM64 (Graviton) - saves "
                                                   f"${saving:,.2f}/month (Fargate ARM ${arm_vcpu:g}/vCPU-h vs x86 "
                                                   f"${x86_vcpu:g})."})
    for l in est["lines"]:
        key, a = l["price_key"], l["attrs"]
        table = (_GRAVITON_RDS if key.startswith("rds/postgres/") else _GRAVITON_CACHE
                 if key.startswith("elasticache/") else _GRAVITON_MSK if key.startswith("msk/broker-hour/") else None)
        base = cat.usd(key)
        # the line's own pricing rule (e.g. Valkey = 0.8 x Redis OSS) applies to the alternative too
        rule_factor = l["unit_price"] / base if base else 1.0
        if table:
            current = a.get("class") or a.get("nodeType") or a.get("instanceType") or ""
            alt = _swap(current, table)
            alt_base = cat.usd(key.replace(current, alt)) if alt else None
            alt_price = None if alt_base is None else alt_base * rule_factor
            if alt and alt_price is not None and alt_price < l["unit_price"]:
                saving = l["quantity"] * (l["unit_price"] - alt_price)
                out["graviton"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                        "message": f"{l['resource']}: {current} -> {alt} (Graviton) saves "
                                                   f"${saving:,.2f}/month."})
        if key == "rds/storage/gp2" and a.get("part") == "storage":
            alt_price = cat.usd("rds/storage/gp3")
            if alt_price is not None:
                saving = l["quantity"] * (l["unit_price"] - alt_price)
                how = "storageType is gp2" if a.get("explicitType") else "storageType is unset (RDS default gp2)"
                out["gp3"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                   "message": f"{l['resource']}: {how}; set storageType=gp3 - saves "
                                              f"${saving:,.2f}/month at {cat.region} list prices and gives a "
                                              f"3,000 IOPS / 125 MiB/s baseline at any size."})
        if key.startswith("elasticache/") and a.get("engine") == "redis":
            factor = cat.fact("elasticache/valkey-price-factor")
            saving = l["monthly_usd"] * (1 - factor)
            if saving > 0:
                out["valkey"].append({"urn": l["urn"], "resource": l["resource"], "monthly_saving_usd": saving,
                                      "message": f"{l['resource']}: engine redis -> valkey (same API, "
                                                 f"{1 - factor:.0%} lower node price) saves ${saving:,.2f}/month."})
    # Commitments: Compute Savings Plan on always-on Fargate, reserved RDS / ElastiCache.
    sp = cat.usd("discount/compute-savings-plan-1yr") or 0
    ri_rds = cat.usd("discount/rds-reserved-1yr") or 0
    ri_cache = cat.usd("discount/elasticache-reserved-1yr") or 0
    fargate_od = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("fargate/")
                     and not l["attrs"].get("spot") and not l["attrs"].get("scheduled"))
    rds = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("rds/postgres/"))
    cache = sum(l["monthly_usd"] for l in est["lines"] if l["price_key"].startswith("elasticache/"))
    parts = [(fargate_od * sp, f"Compute Savings Plan 1-yr on always-on Fargate ${fargate_od:,.2f} x {sp:.0%}"),
             (rds * ri_rds, f"RDS reserved instances 1-yr on ${rds:,.2f} x {ri_rds:.0%}"),
             (cache * ri_cache, f"ElastiCache reserved nodes 1-yr on ${cache:,.2f} x {ri_cache:.0%}")]
    total = sum(p[0] for p in parts)
    if total > 0.005:
        out["commitments"].append({"urn": None, "resource": "stack", "monthly_saving_usd": total,
                                   "message": "Commitment estimate (no upfront, 1 year; planning rates, confirm in "
                                              "Cost Explorer): " + "; ".join(f"{d} = ${s:,.2f}" for s, d in parts
                                                                             if s > 0)
                                              + f". Total ~${total:,.2f}/month."})
    # Spot for non-critical x86 services (tag critical=false), not yet on Spot.  Fargate Spot runs
    # no ARM64 task (Amazon ECS developer guide, "Amazon ECS task definitions for 64-bit ARM
    # workloads", read 2026-11): for a Graviton service, Spot would mean leaving ARM64, which a
    # stack's allow-list may forbid (dev allows ARM64 only) - no advice there.
    disc = cat.usd("fargate/spot-discount") or 0
    for urn, ls in fargate_by_svc.items():
        od = [l for l in ls if not l["attrs"].get("spot")]
        if not od or od[0]["attrs"].get("critical") != "false" or od[0]["attrs"].get("arch") == "ARM64":
            continue
        current = sum(l["monthly_usd"] for l in od)
        spot = sum(l["quantity"] * (cat.usd(f"fargate/{l['attrs']['part']}-hour/X86_64")
                                    or 0) * (1 - disc) for l in od)
        saving = current - spot
        if saving > 0.005:
            out["spot"].append({"urn": urn, "resource": od[0]["resource"], "monthly_saving_usd": saving,
                                "message": f"{od[0]['resource']} is not critical: FARGATE_SPOT capacity provider saves "
                                           f"~${saving:,.2f}/month at {disc:.0%} off x86 (AWS: up to 70%)."})
    return out
