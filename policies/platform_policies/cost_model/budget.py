"""The budget verdict of an estimate against a monthly cap, and the messages the budget policies show.

* The cap applies to the expected total (``capOn: expected``, the default) or to the peak total
  (``capOn: peak``: every scalable target at its maximum, storage at its autoscaling ceiling).
* Fail closed: a billable resource the model cannot price (not free, not priced) makes the
  verdict ``unpriced`` when ``fail_on_unpriced`` is on - never a silent pass.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .estimate import top_drivers

CAP_ON = ("expected", "peak")


def budget_verdict(total_usd: float, max_usd: float, warn_at_percent: float = 80.0) -> Optional[str]:
    """None (fine), "warn" (>= warn threshold) or "over" (> cap)."""
    if max_usd is None or max_usd <= 0:
        return None
    if total_usd > max_usd:
        return "over"
    if total_usd >= max_usd * warn_at_percent / 100.0:
        return "warn"
    return None


def capped_total(est: Mapping[str, Any], cap_on: str = "expected") -> float:
    """The total the cap applies to: expected (total_usd) or peak (peak_usd)."""
    t = est["totals"]
    return float(t.get("peak_usd", t["total_usd"]) if cap_on == "peak" else t["total_usd"])


def unpriced_message(est: Mapping[str, Any], limit: int = 8) -> str:
    """The billable resources the model could not price, by name, with the reason."""
    items = est.get("unpriced") or []
    names = "; ".join(f"{u['resource']} ({u['type']}): {u['reason']}" for u in items[:limit])
    more = f"; and {len(items) - limit} more" if len(items) > limit else ""
    return (f"Cannot price {len(items)} billable resource(s), so the estimate is not an upper bound for the "
            f"cap (failOnUnpriced): {names}{more}. Add the price to policies/pricing/, or change the resource.")


def budget_message(est: Mapping[str, Any], max_usd: float, warn_at_percent: float = 80.0,
                   cap_on: str = "expected") -> str:
    """Expected and peak totals, share of the cap, top cost drivers, what is not priced and the catalog."""
    t = est["totals"]
    capped = capped_total(est, cap_on)
    pct = 100.0 * capped / max_usd if max_usd else 0.0
    drivers = "; ".join(f"{d['resource']} ({d['type']}, {d['tier']}) ${d['monthly_usd']:,.2f}"
                        for d in top_drivers(est, 5))
    peak = t.get("peak_usd", t["total_usd"])
    msg = (f"Estimated monthly cost ${t['total_usd']:,.2f} (baseline ${t['baseline_usd']:,.2f} + usage "
           f"${t['usage_usd']:,.2f}); peak ${peak:,.2f} (every scalable target at its maximum, storage at its "
           f"autoscaling ceiling). The {cap_on} cost is {pct:.1f}% of the cap ${max_usd:,.2f} (warn at "
           f"{warn_at_percent:g}%). Top cost drivers: {drivers}.")
    if est.get("unpriced_types"):
        msg += " Not priced: " + ", ".join(f"{k} x{v}" for k, v in sorted(est["unpriced_types"].items())) + "."
    msg += f" Prices: {est['region']} catalog {est['catalog_date']}."
    return msg
