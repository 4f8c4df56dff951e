"""Messaging tier: Amazon MSK and Amazon MQ brokers."""

from __future__ import annotations

from ..capacity import msk_storage_ceiling
from ..context import EstimateContext
from ..priced import prices
from ..resources import Res, num


@prices("aws:msk/cluster:Cluster")
def _msk(ctx: EstimateContext, r: Res) -> None:
    n = num(r.inputs.get("numberOfBrokerNodes"), 0) or 0
    info = r.inputs.get("brokerNodeGroupInfo") or {}
    itype = info.get("instanceType")
    ctx.add(r, f"MSK broker {itype} x {n:g}", n * ctx.hours, "broker-hour", f"msk/broker-hour/{itype}",
            attrs={"instanceType": itype, "brokers": n})
    vol = num((((info.get("storageInfo") or {}).get("ebsStorageInfo") or {}).get("volumeSize")), None)
    if vol is None:
        vol = 1000.0
        ctx.assume("MSK volumeSize not set: priced at the 1000 GiB AWS default per broker")
    ceiling = max(msk_storage_ceiling(ctx, r) or vol, vol)
    ctx.add(r, f"MSK broker storage ({n:g} x {vol:g} GB)", n * vol, "GB-month", "msk/storage/gb-month",
            peak=n * ceiling, attrs={"part": "storage", "ceilingGbPerBroker": ceiling})
    if str(r.inputs.get("enhancedMonitoring") or "DEFAULT").upper() != "DEFAULT":
        ctx.not_priced(r, f"MSK enhanced monitoring {r.inputs.get('enhancedMonitoring')} (billed as CloudWatch "
                          f"metrics per broker/topic) is not in the catalog")


@prices("aws:mq/broker:Broker")
def _mq(ctx: EstimateContext, r: Res) -> None:
    engine = str(r.inputs.get("engineType") or "ActiveMQ").lower()
    host = r.inputs.get("hostInstanceType")
    mode = r.inputs.get("deploymentMode") or "SINGLE_INSTANCE"
    if engine != "activemq":
        ctx.not_priced(r, f"Amazon MQ engine {engine} is not in the catalog (ActiveMQ only)")
        return
    modes = (ctx.cat.get(f"mq/activemq/{host}") or {}).get("deploymentModes")
    if modes and mode not in modes:
        ctx.not_priced(r, f"Amazon MQ {host} is not offered as {mode} (only {', '.join(modes)}; Amazon MQ "
                          f"developer guide, 'Broker instance types')")
        return
    if mode == "ACTIVE_STANDBY_MULTI_AZ":
        brokers = ctx.cat.fact("mq/active-standby-brokers")
        rule = f"active/standby = {brokers:g} brokers"
    elif mode == "SINGLE_INSTANCE":
        brokers, rule = 1.0, ""
    else:
        ctx.not_priced(r, f"Amazon MQ deployment mode {mode} is not in the catalog")
        return
    ctx.add(r, f"Amazon MQ ActiveMQ {host} {mode}", brokers * ctx.hours, "broker-hour", f"mq/activemq/{host}",
            attrs={"host": host, "mode": mode, "brokers": brokers}, rule=rule)
    storage = str(r.inputs.get("storageType") or "efs").lower()
    gb = ctx.use("mq", "storedGbPerBroker")
    if gb:
        # An active/standby pair shares one EFS store (Amazon MQ developer guide): billed once.
        ctx.add(r, f"Amazon MQ storage ({storage}, {gb:g} GB stored)", gb, "GB-month", f"mq/storage/{storage}",
                kind="usage", usage={"mq.storedGbPerBroker": gb})
