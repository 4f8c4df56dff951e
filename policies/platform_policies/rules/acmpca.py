"""AWS Private CA: the short-lived CA that signs Service Connect TLS certificates."""

from __future__ import annotations

from typing import Any

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, rule
from ..support.graph import producers
from ..support.props import as_int, as_str, get
from ..support.report import report_problems

CA = "aws:acmpca/certificateAuthority:CertificateAuthority"
CERTIFICATE = "aws:acmpca/certificate:Certificate"
CA_CERTIFICATE = "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate"

# CreateCertificateAuthority / IssueCertificate (AWS Private CA API reference: KeyAlgorithm,
# SigningAlgorithm, PermanentDeletionTimeInDays 7-30, UsageMode, Validity; ASN1Subject CommonName up to
# 64 characters) and the user guide ("Compatible signing algorithms": an EC key signs with *WITHECDSA, an
# RSA key with *WITHRSA), read 2026-11.
KEY_ALGORITHMS = ("RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1", "SM2")
SIGNING = ("SHA256WITHECDSA", "SHA384WITHECDSA", "SHA512WITHECDSA", "SHA256WITHRSA", "SHA384WITHRSA",
           "SHA512WITHRSA", "SM3WITHSM2")
VALIDITY_TYPES = ("END_DATE", "ABSOLUTE", "DAYS", "MONTHS", "YEARS")


def _family(key_algorithm: str) -> str:
    return "ECDSA" if key_algorithm.startswith("EC_") else "SM2" if key_algorithm == "SM2" else "RSA"


def signing_matches(key_algorithm: Any, signing: Any) -> bool:
    if not (isinstance(key_algorithm, str) and isinstance(signing, str)):
        return True
    return signing.endswith("WITH" + _family(key_algorithm))


def _ca_problems(p) -> list[str]:
    out = []
    kind = as_str(get(p, "type"), "SUBORDINATE")
    if isinstance(kind, str) and kind not in ("ROOT", "SUBORDINATE"):
        out.append(f"type {kind!r} is not ROOT or SUBORDINATE")
    key, sig = as_str(get(p, "certificateAuthorityConfiguration.keyAlgorithm")), \
        as_str(get(p, "certificateAuthorityConfiguration.signingAlgorithm"))
    if isinstance(key, str) and key not in KEY_ALGORITHMS:
        out.append(f"keyAlgorithm {key!r} is not one of {', '.join(KEY_ALGORITHMS)}")
    if isinstance(sig, str) and sig not in SIGNING:
        out.append(f"signingAlgorithm {sig!r} is not one of {', '.join(SIGNING)}")
    if not signing_matches(key, sig):
        out.append(f"signingAlgorithm {sig} does not fit a {key} key")
    cn = as_str(get(p, "certificateAuthorityConfiguration.subject.commonName"))
    if isinstance(cn, str) and len(cn) > 64:
        out.append(f"subject.commonName is {len(cn)} characters; X.509 allows 64")
    days = as_int(get(p, "permanentDeletionTimeInDays"))
    if isinstance(days, int) and not 7 <= days <= 30:
        out.append(f"permanentDeletionTimeInDays {days} is outside 7-30")
    mode = as_str(get(p, "usageMode"), "GENERAL_PURPOSE")
    if isinstance(mode, str) and mode not in ("GENERAL_PURPOSE", "SHORT_LIVED_CERTIFICATE"):
        out.append(f"usageMode {mode!r} is not GENERAL_PURPOSE or SHORT_LIVED_CERTIFICATE")
    return out


def _issuing_ca(resource, resources: list) -> Any:
    deps = producers(resource, "certificateAuthorityArn")
    return next((d for d in deps if d.resource_type == CA), None)


def _certificate_problems(cert, resources: list) -> list[str]:
    p, out = cert.props, []
    vtype, value = as_str(get(p, "validity.type")), get(p, "validity.value")
    if isinstance(vtype, str) and vtype not in VALIDITY_TYPES:
        out.append(f"validity.type {vtype!r} is not one of {', '.join(VALIDITY_TYPES)}")
    number = as_int(value)
    if vtype in ("DAYS", "MONTHS", "YEARS") and isinstance(number, int) and number < 1:
        out.append(f"validity.value {value} must be a positive count of {vtype.lower()}")
    sig = as_str(get(p, "signingAlgorithm"))
    if isinstance(sig, str) and sig not in SIGNING:
        out.append(f"signingAlgorithm {sig!r} is not one of {', '.join(SIGNING)}")
    ca = _issuing_ca(cert, resources)
    if ca is not None:
        key = as_str(get(ca.props, "certificateAuthorityConfiguration.keyAlgorithm"))
        if not signing_matches(key, sig):
            out.append(f"signingAlgorithm {sig} does not fit the issuing CA's {key} key")
    return out


@rule(name="acmpca-constraints", area=ACCEPTANCE, resource_types=(CA, CERTIFICATE, CA_CERTIFICATE), stack=True,
      description="Private CA resources AWS accepts: known key and signing algorithms of the same family (also "
                  "between a certificate and its issuing CA), deletion window 7-30 days, usage mode, 64-character "
                  "common name, positive validity.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Keep EC keys with SHA*WITHECDSA (components/compute/compute.py private CA).")
def validate_private_ca_constraints(args, report_violation) -> None:
    resources = list(args.resources)
    for r in resources:
        if r.resource_type == CA:
            problems = _ca_problems(r.props)
        elif r.resource_type == CERTIFICATE:
            problems = _certificate_problems(r, resources)
        elif r.resource_type == CA_CERTIFICATE:
            problems = [] if get(r.props, "certificateAuthorityArn") not in (None, "") else \
                ["a CA certificate installation needs certificateAuthorityArn"]
        else:
            continue
        report_problems(report_violation, problems, r.urn)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on these types (read 2026-11).
baseline(__name__, service="AWS Private CA", resource_types=(CA, CERTIFICATE, CA_CERTIFICATE))
