"""Deployability: what makes a `pulumi up` fail half-way or leaves the stack deaf, though every
value has the right shape.

* ``no-placeholder-values`` (stack; mandatory in prod, advisory in dev): any resource input or
  provider input holding the AWS documentation's example account, a domain reserved for
  documentation (example.com/.net/.org, .example), or an ARN in another partition, or in another
  region than the resource's (except where AWS requires us-east-1: CloudFront's certificate and
  web ACL, WAF's global scope).  An example certificate ARN, for instance, has the right format
  but fails the HTTPS listener - and with it the rules, services and API deployment behind it.
* ``alarm-topic-subscribed`` (stack, advisory): an SNS topic that alarms notify has no
  subscription in the stack, so nobody hears of an alarm (settings ``alertEmail``).
* ``images-have-a-pipeline`` (stack, advisory): ECR repositories exist but no pipeline builds into
  them; tasks pulling ``:latest`` fail until someone pushes (settings ``delivery.repositoryOwner``).

Stack policies: the engine gives them every resource with its provider, so they run the same
under preflight and under `pulumi preview`/`up`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Iterator, Optional

from pulumi_policy import Severity, StackValidationArgs

from ..rule import ADVISORY, DEPLOYABILITY, MANDATORY, WHOLE_STACK, rule
from ..support.graph import producers
from ..support.options import options
from ..support.placeholders import ARN, text_findings
from ..support.props import as_str, get, is_unknown, plain

PROVIDER = "pulumi:providers:aws"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REPOSITORY = "aws:ecr/repository:Repository"
PIPELINE = "aws:codepipeline/pipeline:Pipeline"

# CloudFront reads its ACM certificate and its WAF web ACL only from us-east-1 (CloudFront developer
# guide, "Requirements for using SSL/TLS certificates with CloudFront"; WAF developer guide, "Using AWS
# WAF with Amazon CloudFront", read 2026-11): its resources may name that region whatever the stack's.
GLOBAL_REGION = "us-east-1"
CLOUDFRONT_TYPE_PREFIX = "aws:cloudfront/"
# A CLOUDFRONT-scope web ACL's ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/...) is
# referenced from WAF logging and associations made through the us-east-1 provider too.
GLOBAL_ARN_MARKERS = (":global/",)

PLACEHOLDER_CONFIG = {
    "region": {"type": "string", "description": "Region of the stack's default provider; default: the "
                                                "resources' own or their provider's region, else inferred."},
}


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every known string in a resource's (plain) properties."""
    if is_unknown(value):
        return
    if isinstance(value, str):
        yield path or "(value)", value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def _region_of(resource: Any, default: Optional[str]) -> Optional[str]:
    """The resource's own region input (pulumi-aws 7), else its provider's, else ``default``."""
    own = as_str(get(resource.props, "region"))
    if isinstance(own, str) and own:
        return own
    provider = getattr(resource, "provider", None)
    region = as_str(get(getattr(provider, "props", None), "region")) if provider is not None else None
    return region if isinstance(region, str) and region else default


def _stack_region(args: StackValidationArgs, configured: Optional[str]) -> Optional[str]:
    """The configured region, else the default provider's (when the engine shows it), else the
    region most ARNs in the stack name (a wrong one is the exception, not the rule)."""
    if configured:
        return configured
    for r in args.resources:
        if r.resource_type == PROVIDER and "default" in (r.name or ""):
            region = as_str(get(r.props, "region"))
            if isinstance(region, str) and region:
                return region
    counts: Counter = Counter()
    for r in args.resources:
        if r.resource_type.startswith(CLOUDFRONT_TYPE_PREFIX):
            continue
        for _, text in _strings(plain(r.props) if isinstance(r.props, Mapping) else r.props):
            counts.update(m["region"] for m in ARN.finditer(text)
                          if m["region"] and not any(g in m.group(0) for g in GLOBAL_ARN_MARKERS))
    return counts.most_common(1)[0][0] if counts else None


def _allowed_regions(resource_type: str, text: str) -> tuple[str, ...]:
    if resource_type.startswith(CLOUDFRONT_TYPE_PREFIX) or any(m in text for m in GLOBAL_ARN_MARKERS):
        return (GLOBAL_REGION,)
    return ()


def _scan(resource_type: str, props: Any, region: Optional[str]) -> list[str]:
    messages = []
    for path, text in _strings(plain(props) if isinstance(props, Mapping) else props):
        for finding in text_findings(text, region, _allowed_regions(resource_type, text)):
            messages.append(f"{path}: {finding.token} {finding.problem}.")
    return messages


@rule(name="no-placeholder-values", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="No resource or provider input holds a placeholder: the documentation account, a domain "
                  "reserved for examples, or an ARN in another partition or region.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Set the real value in Pulumi.<stack>.yaml (or leave the key unset: docs/deploying.md).",
      config=PLACEHOLDER_CONFIG)
def validate_no_placeholders(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    default_region = _stack_region(args, options(args, PLACEHOLDER_CONFIG).get("region"))
    seen_providers = set()
    for r in args.resources:
        region = _region_of(r, default_region)
        for message in _scan(r.resource_type, r.props, region):
            report_violation(f"{message} Replace the placeholder before `pulumi up` (docs/deploying.md).", r.urn)
        if r.resource_type == PROVIDER:
            seen_providers.add(r.urn)
    # Providers the engine passes only as a resource's provider (not in the list): their inputs too.
    for r in args.resources:
        provider = getattr(r, "provider", None)
        if provider is None or provider.urn in seen_providers:
            continue
        seen_providers.add(provider.urn)
        for message in _scan(PROVIDER, provider.props, as_str(get(provider.props, "region")) or default_region):
            report_violation(f"provider {provider.name}: {message}", provider.urn)


# ---- nobody hears the alarms -----------------------------------------------------------------------------

def _depends_on(resource: Any, prop: str, target_urn: str, target_arn: Any) -> bool:
    deps = producers(resource, prop)
    if any(getattr(d, "urn", None) == target_urn for d in deps):
        return True
    if isinstance(target_arn, str) and target_arn:
        return any(text == target_arn for _, text in _strings(plain(get(resource.props, prop))))
    return False


@rule(name="alarm-topic-subscribed", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="An SNS topic that CloudWatch alarms notify has a subscription in the stack.",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Set `alertEmail`, or subscribe to the alarm topic outside the stack.")
def validate_alarm_topic_subscribed(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    topics = [r for r in args.resources if r.resource_type == TOPIC]
    alarms = [r for r in args.resources if r.resource_type == ALARM]
    subscriptions = [r for r in args.resources if r.resource_type == SUBSCRIPTION]
    for topic in topics:
        arn = get(topic.props, "arn")
        notified = any(_depends_on(a, "alarmActions", topic.urn, arn) for a in alarms)
        if not notified:
            continue
        if not any(_depends_on(s, "topic", topic.urn, arn) for s in subscriptions):
            report_violation("Alarms notify this SNS topic, but nothing in the stack subscribes to it: nobody "
                             "hears of an alarm or a budget alert. Set `alertEmail` (an e-mail subscription), "
                             "or subscribe to the stack output alarm_topic_arn elsewhere.", topic.urn)


# ---- images nobody builds ---------------------------------------------------------------------------------

@rule(name="images-have-a-pipeline", area=DEPLOYABILITY, resource_types=(WHOLE_STACK,), stack=True,
      description="ECR repositories have a delivery pipeline that builds into them.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Set `delivery.repositoryOwner`, or push the images yourself.")
def validate_images_have_a_pipeline(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
    repositories = [r for r in args.resources if r.resource_type == REPOSITORY]
    if repositories and not any(r.resource_type == PIPELINE for r in args.resources):
        report_violation(f"{len(repositories)} ECR repositories and no pipeline that builds into them: services "
                         f"pulling their `latest` image fail until one is pushed. Set `delivery.repositoryOwner` "
                         f"for the per-service pipelines, or push images yourself (docs/delivery.md).", None)
