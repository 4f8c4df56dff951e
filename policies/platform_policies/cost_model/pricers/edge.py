"""Edge tier: API Gateway (REST and HTTP APIs), CloudFront and WAF - all driven by requests."""

from __future__ import annotations

import json
from typing import Optional

from ..context import EstimateContext
from ..priced import prices
from ..resources import Res


@prices("aws:apigateway/restApi:RestApi")
def _rest_api(ctx: EstimateContext, r: Res) -> None:
    m = ctx.million_requests()
    ctx.add(r, f"API Gateway REST requests ({m:g}M)", m, "million requests", "apigw/rest/million-requests",
            kind="usage", usage={"requestsPerMonth": m * 1e6})


@prices("aws:apigatewayv2/api:Api")
def _http_api(ctx: EstimateContext, r: Res) -> None:
    proto = r.inputs.get("protocolType") or "HTTP"
    if proto != "HTTP":
        ctx.not_priced(r, f"API Gateway {proto} APIs are not in the catalog")
        return
    m = ctx.million_requests()
    ctx.add(r, f"API Gateway HTTP requests ({m:g}M)", m, "million requests", "apigw/http/million-requests",
            kind="usage", usage={"requestsPerMonth": m * 1e6})


@prices("aws:cloudfront/distribution:Distribution")
def _cloudfront(ctx: EstimateContext, r: Res) -> None:
    gb = ctx.use("cloudfront", "dataTransferOutGbPerMonth")
    ctx.add(r, f"CloudFront data transfer out ({gb:g} GB)", gb, "GB", "cloudfront/gb-out", kind="usage",
            usage={"cloudfront.dataTransferOutGbPerMonth": gb})
    req = ctx.use("requestsPerMonth")
    ctx.add(r, f"CloudFront HTTPS requests ({req / 1e6:g}M)", req / 1e4, "10k requests",
            "cloudfront/https-10k-requests", kind="usage", usage={"requestsPerMonth": req})


def _waf_rule_count(r: Res) -> Optional[int]:
    rules = r.inputs.get("rules")
    if isinstance(rules, list):
        return len(rules)
    rj = r.inputs.get("ruleJson")
    if isinstance(rj, str) and rj:
        try:
            return len(json.loads(rj))
        except ValueError:
            return None
    return 0 if rules is None and rj is None else None


@prices("aws:wafv2/webAcl:WebAcl")
def _waf(ctx: EstimateContext, r: Res) -> None:
    ctx.add(r, "WAF web ACL", 1, "web ACL-month", "waf/web-acl-month")
    n = _waf_rule_count(r)
    if n is None:
        ctx.not_priced(r, "WAF rules unknown at preview; rule charges not priced")
    elif n:
        ctx.add(r, f"WAF rules ({n})", n, "rule-month", "waf/rule-month")
    m = ctx.million_requests()
    ctx.add(r, f"WAF requests ({m:g}M)", m, "million requests", "waf/million-requests", kind="usage",
            usage={"requestsPerMonth": m * 1e6})
