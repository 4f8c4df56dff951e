"""Security: Secrets Manager secrets, AWS Private CA and KMS keys."""

from __future__ import annotations

from ..context import EstimateContext
from ..registry import prices
from ..resources import Res


@prices("aws:secretsmanager/secret:Secret")
def _secret(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "Secrets Manager secret", 1, "secret-month", "secretsmanager/secret-month")


@prices("aws:acmpca/certificateAuthority:CertificateAuthority")
def _pca(ctx: EstimateContext, r: Res) -> None:
    mode = r.inputs.get("usageMode") or "GENERAL_PURPOSE"
    ctx.add(r, f"AWS Private CA ({mode})", 1, "CA-month", f"privateca/{mode}/month", attrs={"mode": mode})
    certs = ctx.use("privateCa", "certificatesPerMonth")
    if certs:
        ctx.add(r, f"Private CA certificates issued ({certs:g})", certs, "certificate",
                f"privateca/{mode}/certificate", kind="usage")


@prices("aws:kms/key:Key")
def _kms(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "KMS customer managed key", 1, "key-month", "kms/key-month")
