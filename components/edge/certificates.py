"""ACM certificates the stack requests itself (edge mode MANAGED_CERTIFICATE, and CloudFront
aliases without edge.cdnCertificateArn): DNS validation in edge.hostedZoneId, and a wait.

ACM issues a DNS-validated certificate once a CNAME record it names exists for each domain
(ACM user guide, "DNS validation", read 2026-11).  The records go into the stack's Route 53
zone, and ``aws.acm.CertificateValidation`` waits until ACM reports the certificate as issued:
listeners and distributions take *its* ``certificate_arn``, so nothing uses the certificate
before it is valid (an unissued certificate makes CreateListener fail).
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

VALIDATION_METHOD = "DNS"
VALIDATION_RECORD_TTL = 300


def domain_slug(domain: str) -> str:
    """``www.acme-shop.io`` -> ``www-acme-shop-io`` (for resource names)."""
    return re.sub(r"[^a-z0-9]+", "-", domain.lower()).strip("-")


def validated_certificate(name: str, domains: Sequence[str], zone_id: str, parent: pulumi.Resource, *,
                          tags: Mapping[str, str], provider: Optional[aws.Provider] = None,
                          region: Optional[str] = None) -> pulumi.Output[str]:
    """Request a certificate for ``domains`` (first = subject, the rest = SANs), write its DNS
    validation records into ``zone_id`` and return the ARN once ACM has issued it.

    ``provider``/``region``: us-east-1 for CloudFront (which reads certificates only there);
    default the stack's provider and region."""
    if not domains:
        raise ValueError(f"{name}: a certificate needs at least one domain")
    opts = pulumi.ResourceOptions(parent=parent, provider=provider)
    cert = aws.acm.Certificate(
        name, domain_name=domains[0], subject_alternative_names=list(domains[1:]) or None,
        validation_method=VALIDATION_METHOD, region=region, tags=tags, opts=opts)
    fqdns = []
    for domain in domains:
        option = cert.domain_validation_options.apply(
            lambda options, d=domain: next(o for o in options if o.domain_name == d))
        # Route 53 is global: the stack's own provider writes the record whatever the certificate's region.
        # allow_overwrite: a re-requested certificate for the same domain may find the record ACM asked
        # for earlier still in the zone.
        record = aws.route53.Record(
            f"{name}-dns-{domain_slug(domain)}", zone_id=zone_id, name=option.resource_record_name,
            type=option.resource_record_type, records=[option.resource_record_value],
            ttl=VALIDATION_RECORD_TTL, allow_overwrite=True, opts=pulumi.ResourceOptions(parent=parent))
        fqdns.append(record.fqdn)
    validation = aws.acm.CertificateValidation(
        f"{name}-validation", certificate_arn=cert.arn, validation_record_fqdns=fqdns, region=region, opts=opts)
    return validation.certificate_arn


__all__ = ["domain_slug", "validated_certificate", "VALIDATION_METHOD"]
