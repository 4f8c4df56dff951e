"""The edge mode: how the entry points reach the ALB (pure: no Pulumi here).

* ``MANAGED_CERTIFICATE``: a domain and its hosted zone, no certificate of your own - the stack
  requests an ACM certificate for the domain, validates it by DNS in the zone and waits.
* ``OWN_CERTIFICATE``: the certificate you bring (and the domain it covers).
* ``DEFAULT_ENDPOINTS``: no domain (the committed default) - HTTPS on CloudFront's
  ``*.cloudfront.net`` and API Gateway's ``execute-api`` names; the internal ALB takes plain HTTP
  from the CloudFront VPC origin and the API's VPC link only (docs/edge.md).

The ALB is internal in every mode, so switching modes never replaces it.
"""

from __future__ import annotations

from enum import Enum

HTTP_PORT = 80
HTTPS_PORT = 443


class EdgeMode(str, Enum):
    MANAGED_CERTIFICATE = "managed-certificate"
    OWN_CERTIFICATE = "own-certificate"
    DEFAULT_ENDPOINTS = "default-endpoints"

    @property
    def tls_to_alb(self) -> bool:
        """API Gateway and CloudFront reach the ALB over HTTPS (a certificate for edge.domainName)."""
        return self is not EdgeMode.DEFAULT_ENDPOINTS

    @property
    def alb_port(self) -> int:
        """The ALB listener port that serves traffic (the listener rules hang off it)."""
        return HTTPS_PORT if self.tls_to_alb else HTTP_PORT


def edge_mode(certificate_arn: str, domain_name: str) -> EdgeMode:
    """The mode of an edge with your own ``certificate_arn`` and/or a ``domain_name`` (either may be "")."""
    if certificate_arn:
        return EdgeMode.OWN_CERTIFICATE
    if domain_name:
        return EdgeMode.MANAGED_CERTIFICATE  # settings require edge.hostedZoneId with it
    return EdgeMode.DEFAULT_ENDPOINTS


__all__ = ["EdgeMode", "HTTP_PORT", "HTTPS_PORT", "edge_mode"]
