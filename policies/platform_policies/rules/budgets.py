"""AWS Budgets: the stack's budget resource (the cost policies over the estimate live in stack_cost.py).

Besides the values AWS accepts, three stack rules follow a budget's alerts to someone:

* ``budget-topic-accepts-alerts`` (mandatory): an SNS topic of the plan that a budget notifies lets
  budgets.amazonaws.com publish (its topic policy) and, when it is encrypted with a key of the plan, use
  that key (kms:GenerateDataKey*, kms:Decrypt).  Without either, every alert is dropped silently.
* ``budget-alerts-reach-someone`` (advisory): the budget has an ACTUAL notification (forecasts need weeks of
  history), and someone hears it: an e-mail subscriber, or a subscription of its topic in the plan; and the
  key statement for budgets.amazonaws.com carries no condition AWS does not document for it.  Advisory:
  with no address known a subscription may be made outside the stack (the committed prod has none).
* ``budget-cost-allocation-tag`` (advisory): a budget filtered on a user-defined tag sees $0 until the tag
  is an active cost allocation tag; says so when nothing in the plan activates it.

A first preview knows no ARN: the topic, its policy, its key and its subscriptions are found through the
property dependencies, and by the topic name at the end of an ARN when values are known.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Iterator, Optional

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, DEPLOYABILITY, MANDATORY, SECURITY, rule
from ..support.graph import producer, producers
from ..support.policy_documents import listify, statements
from ..support.props import as_list, as_str, get, is_unknown, parse_json

BUDGET = "aws:budgets/budget:Budget"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
KMS_KEY, KMS_ALIAS = "aws:kms/key:Key", "aws:kms/alias:Alias"
COST_ALLOCATION_TAG = "aws:costexplorer/costAllocationTag:CostAllocationTag"
BUDGETS_PRINCIPAL = "budgets.amazonaws.com"


@rule(name="budget-notifications", area=SECURITY, resource_types=(BUDGET,),
      description="AWS Budgets budgets notify at least one subscriber.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Give each notification the alarm topic or an e-mail address (components/budget; settings "
                  "`alertEmail`).")
def validate_budget_notifications(args, report_violation) -> None:
    """A budget warns someone: without a notification with a subscriber it only draws a chart."""
    if args.resource_type != BUDGET:
        return
    notes = as_list(get(args.props, "notifications"))
    if is_unknown(notes):
        return
    heard = [n for n in notes if as_list(get(n, "subscriberEmailAddresses")) or as_list(get(n, "subscriberSnsTopicArns"))]
    if not heard:
        report_violation("The budget has no notification with a subscriber: nobody hears when it is exceeded.",
                         None)


# AWS Budgets API reference CreateBudget / Notification (read 2026-11) and terraform-provider-aws
# internal/service/budgets/budget.go: BudgetName up to 100 characters without ':' or '\'; TimeUnit DAILY,
# MONTHLY, QUARTERLY, ANNUALLY; BudgetType enum; limit a positive decimal; at most 5 notifications; each
# notification ACTUAL/FORECASTED, an operator, a threshold (0-40,000,000; PERCENTAGE thresholds are percent)
# and at most 10 email subscribers; FORECASTED notifications are not allowed for USAGE-type budgets.
# "A notification can have one SNS subscriber and up to 10 email subscribers" (AWS Budgets API reference,
# NotificationWithSubscribers, read 2026-12).
TIME_UNITS = ("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY")
BUDGET_TYPES = ("USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION",
                "SAVINGS_PLANS_COVERAGE")
OPERATORS = ("GREATER_THAN", "LESS_THAN", "EQUAL_TO")
_NAME = re.compile(r"[^:\\]{1,100}")


@rule(name="budget-values", area=ACCEPTANCE, resource_types=(BUDGET,),
      description="Budget name, time unit, type, limit and notifications are values AWS Budgets accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (AWS Budgets CreateBudget API reference).")
def validate_budget_values(args, report_violation) -> None:
    if args.resource_type != BUDGET:
        return
    p = args.props
    name = as_str(get(p, "name"))
    if name and not is_unknown(name) and not _NAME.fullmatch(name):
        report_violation(f"Budget name {name!r} must be 1-100 characters without ':' or '\\'.", None)
    for key, allowed in (("timeUnit", TIME_UNITS), ("budgetType", BUDGET_TYPES)):
        value = as_str(get(p, key))
        if value and not is_unknown(value) and value not in allowed:
            report_violation(f"{key} {value!r} is not one of {', '.join(allowed)}.", None)
    limit = as_str(get(p, "limitAmount"))
    if limit is not None and not is_unknown(limit):
        try:
            if float(limit) <= 0:
                report_violation(f"limitAmount {limit} must be positive.", None)
        except ValueError:
            report_violation(f"limitAmount {limit!r} is not a number.", None)
    notes = as_list(get(p, "notifications"))
    if is_unknown(notes):
        return
    if len(notes) > 5:
        report_violation(f"{len(notes)} notifications; a budget takes at most 5.", None)
    for i, n in enumerate(notes):
        operator = as_str(get(n, "comparisonOperator"))
        if operator and not is_unknown(operator) and operator not in OPERATORS:
            report_violation(f"notifications[{i}] comparisonOperator {operator!r} is not one of "
                             f"{', '.join(OPERATORS)}.", None)
        kind = as_str(get(n, "notificationType"))
        if kind and not is_unknown(kind) and kind not in ("ACTUAL", "FORECASTED"):
            report_violation(f"notifications[{i}] notificationType {kind!r} is not ACTUAL or FORECASTED.", None)
        if kind == "FORECASTED" and as_str(get(p, "budgetType")) == "USAGE":
            report_violation(f"notifications[{i}]: FORECASTED notifications are not available for USAGE budgets.",
                             None)
        threshold = get(n, "threshold")
        if isinstance(threshold, (int, float)) and not 0 < threshold <= 40_000_000:
            report_violation(f"notifications[{i}] threshold {threshold} is not above 0.", None)
        emails = as_list(get(n, "subscriberEmailAddresses"))
        if not is_unknown(emails) and len(emails) > 10:
            report_violation(f"notifications[{i}] has {len(emails)} email subscribers; at most 10.", None)
        topics = as_list(get(n, "subscriberSnsTopicArns"))
        if not is_unknown(topics) and len(topics) > 1:
            report_violation(f"notifications[{i}] has {len(topics)} SNS topics; a notification takes one.", None)


# ---- following a budget's alerts to someone ---------------------------------------------------------------

# What an AWS service needs on the key of an encrypted topic it publishes to (Amazon SNS developer guide,
# "Enable compatibility between event sources from AWS services and encrypted topics", read 2026-12).
KEY_ACTIONS = ("kms:GenerateDataKey*", "kms:Decrypt")
# "AWS requires approximately five weeks of usage data to generate budget forecasts" (AWS Cost Management
# user guide, "Best practices for AWS Budgets", read 2026-12).
FORECAST_HISTORY = "about five weeks of usage history"


def _budgets(args: Any) -> list:
    return [r for r in getattr(args, "resources", []) if r.resource_type == BUDGET]


def _topic_name(arn: Any) -> Optional[str]:
    """The topic name at the end of a known SNS topic ARN."""
    if not isinstance(arn, str) or is_unknown(arn):
        return None
    parts = arn.split(":")
    return parts[5] if len(parts) == 6 and parts[0] == "arn" and parts[2] == "sns" else None


def _by_topic(resource: Any, prop: str, arns: list, topics: dict[str, Any]) -> list:
    """Topics of the plan that ``prop`` of ``resource`` names: by property dependency, else by known ARN."""
    found = {t.urn: t for t in producers(resource, prop, TOPIC)}
    for arn in arns:
        name = _topic_name(arn)
        if name in topics:
            found[topics[name].urn] = topics[name]
    return list(found.values())


def _names(resource: Any, prop: str, topics: dict[str, Any]) -> list:
    """Topics of the plan a one-ARN input (a topic policy's ``arn``, a subscription's ``topic``) names."""
    return _by_topic(resource, prop, [get(resource.props, prop)], topics)


def _topics_by_name(resources: list) -> dict[str, Any]:
    out = {}
    for t in resources:
        name = as_str(get(t.props, "name")) if t.resource_type == TOPIC else None
        if isinstance(name, str) and name:
            out[name] = t
    return out


def _notified_topics(budget: Any, topics: dict[str, Any]) -> list:
    """Topics of the plan the budget's notifications publish to."""
    arns = []
    notes = as_list(get(budget.props, "notifications"))
    for n in notes if not is_unknown(notes) else []:
        listed = as_list(get(n, "subscriberSnsTopicArns"))
        arns += listed if not is_unknown(listed) else []
    return _by_topic(budget, "notifications", arns, topics)


def _service_statements(document: Any, principal: str) -> list[dict]:
    out = []
    for st in statements(document):
        who = st.get("Principal")
        services = listify(who.get("Service")) if isinstance(who, dict) else (["*"] if who == "*" else [])
        if st.get("Effect") == "Allow" and (principal in services or "*" in services):
            out.append(st)
    return out


def _grants(st: dict, needed: tuple[str, ...]) -> bool:
    granted = [a.lower() for a in listify(st.get("Action")) if isinstance(a, str)]
    return all(any(fnmatch.fnmatchcase(need.lower(), g) for g in granted) for need in needed)


def _topic_key(topic: Any) -> Optional[Any]:
    """The KMS key of the plan a topic is encrypted with (through an alias too); None when not decided."""
    key = producer(topic, "kmsMasterKeyId", KMS_KEY)
    alias = producer(topic, "kmsMasterKeyId", KMS_ALIAS)
    return producer(alias, "targetKeyId", KMS_KEY) if key is None and alias is not None else key


def _topic_policies(topic: Any, resources: list, topics: dict[str, Any]) -> list:
    return [r for r in resources if r.resource_type == TOPIC_POLICY
            and any(t.urn == topic.urn for t in _names(r, "arn", topics))]


def _acceptance_problems(topic: Any, resources: list, topics: dict[str, Any]) -> Iterator[str]:
    """Why the topic cannot take AWS Budgets' alerts (nothing when it can, or when the plan does not say)."""
    own_policy = as_str(get(topic.props, "policy"))
    documents = [parse_json(get(r.props, "policy")) for r in _topic_policies(topic, resources, topics)]
    if own_policy:
        documents.append(parse_json(own_policy))
    publishers = [st for d in documents for st in _service_statements(d, BUDGETS_PRINCIPAL)]
    if not any(is_unknown(d) for d in documents) and not any(_grants(st, ("sns:Publish",)) for st in publishers):
        where = "its topic policy does not" if documents else "it has no topic policy, and the default one does not"
        yield (f"Topic {topic.name} cannot take the budget's alerts: {where} let {BUDGETS_PRINCIPAL} "
               f"sns:Publish (AWS Cost Management user guide, \"Creating an Amazon SNS topic for budget "
               f"notifications\")")
    key_ref = as_str(get(topic.props, "kmsMasterKeyId"))
    if isinstance(key_ref, str) and key_ref.endswith("alias/aws/sns"):
        yield (f"Topic {topic.name} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot admit "
               f"{BUDGETS_PRINCIPAL}: use a customer managed key")
        return
    key = _topic_key(topic)
    document = parse_json(get(key.props, "policy")) if key is not None else None
    if key is not None and document is not None and not is_unknown(document):
        if not any(_grants(st, KEY_ACTIONS) for st in _service_statements(document, BUDGETS_PRINCIPAL)):
            yield (f"Topic {topic.name} is encrypted with key {key.name}, whose policy does not let "
                   f"{BUDGETS_PRINCIPAL} use it ({', '.join(KEY_ACTIONS)}): the budget's alerts are dropped")


@rule(name="budget-topic-accepts-alerts", area=DEPLOYABILITY, resource_types=(BUDGET, TOPIC, TOPIC_POLICY, KMS_KEY),
      stack=True,
      description="An SNS topic of the plan that a budget notifies lets budgets.amazonaws.com publish, and its KMS "
                  "key (when the plan has it) lets budgets.amazonaws.com use it.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Allow budgets.amazonaws.com sns:Publish in the topic policy and kms:GenerateDataKey*, "
                  "kms:Decrypt in the topic key's policy (components/observability).")
def validate_budget_topic_accepts_alerts(args, report_violation) -> None:
    resources = list(getattr(args, "resources", []))
    topics = _topics_by_name(resources)
    reported: set[tuple[str, str]] = set()
    for budget in _budgets(args):
        for topic in _notified_topics(budget, topics):
            for problem in _acceptance_problems(topic, resources, topics):
                if (topic.urn, problem) not in reported:
                    reported.add((topic.urn, problem))
                    report_violation(f"{problem}.", topic.urn)


def _heard(budget: Any, resources: list, topics: dict[str, Any]) -> Optional[bool]:
    """True when a notification e-mails someone or its topic has a subscription in the plan; False when the
    budget's topics are all in the plan and none has one; None when the plan does not say."""
    notes = as_list(get(budget.props, "notifications"))
    if is_unknown(notes) or not notes:   # no notification at all: budget-notifications says so
        return None
    undecided = False
    for n in notes:
        emails = as_list(get(n, "subscriberEmailAddresses"))
        if is_unknown(emails) or any(is_unknown(e) for e in emails):
            undecided = True
        elif emails:
            return True
        arns = as_list(get(n, "subscriberSnsTopicArns"))
        if is_unknown(arns) or any(is_unknown(a) for a in arns):
            undecided = undecided or not producers(budget, "notifications", TOPIC)
        elif any(_topic_name(a) not in topics for a in arns):
            undecided = True   # a topic outside the plan: its subscriptions are not judged
    subscriptions = [r for r in resources if r.resource_type == SUBSCRIPTION]
    for topic in _notified_topics(budget, topics):
        if any(t.urn == topic.urn for sub in subscriptions for t in _names(sub, "topic", topics)):
            return True
    return None if undecided else False


@rule(name="budget-alerts-reach-someone", area=DEPLOYABILITY, resource_types=(BUDGET, TOPIC, SUBSCRIPTION),
      stack=True,
      description="A budget alerts from its first month (an ACTUAL notification, not only forecasts) and someone "
                  "hears it: an e-mail subscriber, or a subscription of its SNS topic in the plan.",
      level=ADVISORY, severity=Severity.MEDIUM,
      remediation="Set `alertEmail` (an e-mail subscription of the alarm topic), or subscribe to the stack output "
                  "alarm_topic_arn outside the stack; keep an ACTUAL notification (components/budget).")
def validate_budget_alerts_reach_someone(args, report_violation) -> None:
    resources = list(getattr(args, "resources", []))
    topics = _topics_by_name(resources)
    for budget in _budgets(args):
        notes = as_list(get(budget.props, "notifications"))
        kinds = [] if is_unknown(notes) else [as_str(get(n, "notificationType")) for n in notes]
        if kinds and not any(is_unknown(k) for k in kinds) and "ACTUAL" not in kinds:
            report_violation(f"The budget has FORECASTED notifications only: AWS forecasts after {FORECAST_HISTORY}, "
                             f"so it stays silent for its first weeks. Add an ACTUAL notification.", budget.urn)
        if _heard(budget, resources, topics) is False:
            names = ", ".join(sorted(t.name for t in _notified_topics(budget, topics))) or "none"
            report_violation(f"Nobody hears the budget: no notification has an e-mail subscriber and nothing in the "
                             f"stack subscribes to its topic ({names}). Set `alertEmail`, or subscribe to the stack "
                             f"output alarm_topic_arn elsewhere (and confirm the subscription).", budget.urn)
        for topic in _notified_topics(budget, topics):
            key = _topic_key(topic)
            document = parse_json(get(key.props, "policy")) if key is not None else None
            if key is None or document is None or is_unknown(document):
                continue
            grants = [st for st in _service_statements(document, BUDGETS_PRINCIPAL) if _grants(st, KEY_ACTIONS)]
            if grants and all(st.get("Condition") for st in grants):
                report_violation(f"Key {key.name} lets {BUDGETS_PRINCIPAL} use it only under a Condition: AWS "
                                 f"documents the statement for AWS services publishing to encrypted topics without "
                                 f"one and no condition key Budgets sets on these calls; a condition the request does "
                                 f"not carry drops every alert silently. Scope the topic policy instead.", key.urn)


# User-defined tags count in cost data once activated as cost allocation tags (AWS Billing user guide,
# "User-defined cost allocation tags", read 2026-12); a TagKeyValue filter names them as user:<key>$<value>.
_USER_TAG = re.compile(r"user:([^$]+)\$.*")


@rule(name="budget-cost-allocation-tag", area=DEPLOYABILITY, resource_types=(BUDGET, COST_ALLOCATION_TAG),
      stack=True,
      description="A budget filtered on a user-defined tag has that tag activated as a cost allocation tag by the "
                  "plan, or says that it sees $0 until someone activates it.",
      level=ADVISORY, severity=Severity.LOW,
      remediation="Activate the tag once (Billing console, Cost allocation tags), or set "
                  "`budget.activateCostAllocationTag` in the one stack that owns it, or `budget.scope: account`.")
def validate_budget_cost_allocation_tag(args, report_violation) -> None:
    resources = list(getattr(args, "resources", []))
    active = {as_str(get(r.props, "tagKey")) for r in resources if r.resource_type == COST_ALLOCATION_TAG
              and as_str(get(r.props, "status")) == "Active"}
    if any(is_unknown(k) for k in active):
        return
    for budget in _budgets(args):
        filters = as_list(get(budget.props, "costFilters"))
        if is_unknown(filters):
            continue
        keys = set()
        for f in filters:
            values = as_list(get(f, "values")) if as_str(get(f, "name")) == "TagKeyValue" else []
            for v in values if not is_unknown(values) else []:
                match = _USER_TAG.fullmatch(v) if isinstance(v, str) else None
                if match:
                    keys.add(match.group(1))
        for key in sorted(keys - active):
            report_violation(f"The budget counts only costs tagged {key}=..., and nothing in this stack activates "
                             f"{key} as a cost allocation tag: until it is active (and only for cost from then on) "
                             f"the budget sees $0. Activate it once for the account (Billing console, or "
                             f"`budget.activateCostAllocationTag` in the stack that owns it), or count the whole "
                             f"account (`budget.scope: account`).", budget.urn)


# cdk-nag AwsSolutions, Checkov and compliance-policies have no check on budgets.
baseline(
    __name__,
    service='AWS Budgets',
    resource_types=('aws:budgets/budget:Budget',),
)
