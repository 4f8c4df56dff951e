"""DNS: Route 53 hosted zones, including the private zone a Cloud Map DNS namespace creates."""

from __future__ import annotations

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res


@prices("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
        "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace", "aws:route53/zone:Zone")
def _zone(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "Route 53 hosted zone", 1, "hosted zone-month", "route53/hosted-zone-month")
