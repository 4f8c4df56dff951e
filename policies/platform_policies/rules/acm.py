"""AWS Certificate Manager: public certificates of the edge and their DNS validation."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, MANDATORY, SECURITY, rule
from ..support.props import as_list, as_str, get, is_unknown
from ..support.report import report_problems

CERTIFICATE = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"

# RequestCertificate (ACM API reference: DomainName 1-253 characters, SubjectAlternativeNames, KeyAlgorithm,
# ValidationMethod; "Domain names per ACM certificate" quota 10) and terraform-provider-aws
# internal/service/acm/certificate.go (ExactlyOneOf domain_name/private_key, ConflictsWith
# certificate_authority_arn/validation_method), read 2026-11.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
PUBLIC_KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
ALL_KEY_ALGORITHMS = PUBLIC_KEY_ALGORITHMS + ("RSA_1024", "RSA_3072", "RSA_4096", "EC_secp521r1")
MAX_NAMES = 10


def domain_problems(name: str) -> list[str]:
    if not 1 <= len(name) <= 253:
        return [f"domain {name!r} is {len(name)} characters; ACM takes 1-253"]
    labels = name.rstrip(".").split(".")
    if labels[0] == "*":
        labels = labels[1:]
    if "*" in name[1:]:
        return [f"domain {name!r}: a wildcard may only be the leftmost label"]
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return [f"domain {name!r} is not a DNS name (labels of 1-63 letters, digits and inner hyphens)"]
    return []


def _certificate_problems(p) -> list[str]:
    out = []
    domain = as_str(get(p, "domainName"))
    imported = get(p, "privateKey") is not None or get(p, "certificateBody") is not None
    private_ca = get(p, "certificateAuthorityArn") not in (None, "")
    method = as_str(get(p, "validationMethod"))
    if domain is None and not imported and not is_unknown(get(p, "domainName")):
        out.append("a certificate needs domainName (requested) or privateKey/certificateBody (imported)")
    if imported and domain is not None:
        out.append("domainName and an imported privateKey are mutually exclusive")
    if private_ca and method is not None:
        out.append("validationMethod is not used with certificateAuthorityArn (private certificates)")
    if domain is not None and not imported and not private_ca and method is None:
        out.append("a public certificate needs validationMethod DNS or EMAIL")
    if isinstance(method, str) and method not in ("DNS", "EMAIL"):
        out.append(f"validationMethod {method!r} is not DNS or EMAIL")
    names = [n for n in ([domain] + (as_list(get(p, "subjectAlternativeNames")) or [])) if isinstance(n, str)]
    for n in dict.fromkeys(names):
        out += domain_problems(n)
    if len(set(names)) > MAX_NAMES:
        out.append(f"{len(set(names))} domain names; a certificate holds at most {MAX_NAMES} by default")
    algo = as_str(get(p, "keyAlgorithm"))
    allowed = ALL_KEY_ALGORITHMS if private_ca else PUBLIC_KEY_ALGORITHMS
    if isinstance(algo, str) and algo not in allowed:
        out.append(f"keyAlgorithm {algo!r} is not one of {', '.join(allowed)}")
    for option in as_list(get(p, "validationOptions")) or []:
        target = as_str(get(option, "domainName"))
        if isinstance(target, str) and names and target not in names:
            out.append(f"validationOptions names {target!r}, which the certificate does not cover")
    return out


@rule(name="acm-certificate-constraints", area=ACCEPTANCE, resource_types=(CERTIFICATE,),
      description="Certificates RequestCertificate accepts: valid DNS names (wildcard leftmost only, 253/63 "
                  "limits, at most 10 names), DNS or EMAIL validation for public certificates, a public key "
                  "algorithm, validation options for covered names.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix edge.domainName / edge.cdnAliases (components/edge).")
def validate_certificate_constraints(args, report_violation) -> None:
    if args.resource_type != CERTIFICATE:
        return
    report_problems(report_violation, _certificate_problems(args.props))


@rule(name="acm-certificate-hygiene", area=SECURITY, resource_types=(CERTIFICATE,),
      description="Certificates renew unattended (DNS validation) and keep certificate transparency logging.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Use validationMethod DNS; leave certificateTransparencyLoggingPreference ENABLED.",
      anchors=("CKV_AWS_234",))
def validate_certificate_hygiene(args, report_violation) -> None:
    if args.resource_type != CERTIFICATE:
        return
    p = args.props
    if as_str(get(p, "validationMethod")) == "EMAIL":
        report_violation("validationMethod EMAIL: every renewal waits for someone to click a link; use DNS "
                         "validation so ACM renews on its own.", None)
    if as_str(get(p, "options.certificateTransparencyLoggingPreference")) == "DISABLED":
        report_violation("Certificate transparency logging is disabled: browsers may reject the certificate and "
                         "mis-issuance goes unnoticed.", None)


# These types exist when a domain is configured; the committed no-domain stacks have none.
baseline(
    __name__,
    service="AWS Certificate Manager",
    resource_types=(CERTIFICATE, VALIDATION),
    not_applicable={
        "CKV2_AWS_71": "A wildcard name is a deliberate choice for a zone of many hosts; the certificates cover "
                       "the configured domain and CDN aliases as given (acm-certificate-constraints checks that a "
                       "wildcard is only the leftmost label).",
        "CKV_AWS_233": "A Terraform lifecycle setting (create_before_destroy); Pulumi creates a replacement "
                       "certificate before deleting the old one by default.",
    },
)
