"""Security: Secrets Manager secrets, AWS Private CA and KMS keys."""

from __future__ import annotations

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res


@prices("aws:secretsmanager/secret:Secret")
def _secret(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "Secrets Manager secret", 1, "secret-month", "secretsmanager/secret-month")


@prices("aws:acmpca/certificateAuthority:CertificateAuthority")
def _pca(ctx: EstimateContext, r: Res) -> None:
    mode = r.inputs.get("usageMode") or "GENERAL_PURPOSE"
    ctx.add(r, f"AWS Private CA ({mode})", 1, "CA-month", f"privateca/{mode}/month", attrs={"mode": mode})
    certs = ctx.use("privateCa", "certificatesPerMonth")
    if not certs:
        return
    key = f"privateca/{mode}/certificate"
    entry = ctx.cat.get(key) or {}
    tiers = entry.get("tiers")
    if not tiers:
        ctx.add(r, f"Private CA certificates issued ({certs:g})", certs, "certificate", key, kind="usage",
                usage={"privateCa.certificatesPerMonth": certs})
        return
    # Tiered per region and month (general-purpose mode): each tier's share at its own rate.
    low = 0.0
    for upto, usd in tiers:
        high = certs if upto is None else min(certs, float(upto))
        if high <= low:
            break
        base = float(entry["usd"])
        ctx.add(r, f"Private CA certificates issued ({certs:g}; {low + 1:g}-{high:g} at ${usd:g})", high - low,
                "certificate", key, kind="usage", factor=usd / base, rule=f"tier {low + 1:g}-{high:g}",
                usage={"privateCa.certificatesPerMonth": certs})
        low = high


@prices("aws:kms/key:Key")
def _kms(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "KMS customer managed key", 1, "key-month", "kms/key-month")
