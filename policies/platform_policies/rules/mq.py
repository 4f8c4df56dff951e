"""Amazon MQ: message brokers (ActiveMQ, RabbitMQ)."""

from __future__ import annotations

import re

from pulumi_policy import Severity

from ..baseline import baseline
from ..rule import ACCEPTANCE, ADVISORY, AVAILABILITY, MANDATORY, SECURITY, SIZING, rule
from ..support.allow_list import allow_list_fix, check_allowed
from ..support.options import options, string_list
from ..support.props import as_bool, as_list, as_str, get, is_unknown
from .cross_service import NO_PUBLIC_STATEFUL, NameRule, check, no_deletion_protection, physical_names

MQ_BROKER = "aws:mq/broker:Broker"


# ---- availability -------------------------------------------------------------------------------------

MULTI_AZ_MODES = ("ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ")


@rule(name="mq-multi-az", area=AVAILABILITY, resource_types=(MQ_BROKER,),
      description="Amazon MQ brokers use a Multi-AZ deployment mode.",
      level=ADVISORY, severity=Severity.HIGH,
      remediation="Set deploymentMode=ACTIVE_STANDBY_MULTI_AZ with two subnets (settings multiAz.broker) and a "
                  "host type larger than mq.t3.micro.")
def validate_mq_multi_az(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")  # provider default
    if is_unknown(mode):
        return
    if mode not in MULTI_AZ_MODES:
        report_violation(f"deploymentMode is {mode}; use ACTIVE_STANDBY_MULTI_AZ (ActiveMQ) or "
                         f"CLUSTER_MULTI_AZ (RabbitMQ).", None)


# ---- sizing -------------------------------------------------------------------------------------------

# The default names only hosts Amazon MQ offers for ActiveMQ, the engine the platform runs: mq.m7g is RabbitMQ
# only (Amazon MQ developer guide, "Broker instance types"; read 2026-11).
HOST_TYPE_CONFIG = {"allowedHostTypes": string_list(
    "Amazon MQ host instance types this stack may use.", ["mq.m5.large"])}


@rule(name="allowed-mq-host-types", area=SIZING, resource_types=(MQ_BROKER,),
      description="Amazon MQ host types come from the stack's allow-list.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation=allow_list_fix("mq.hostType"), config=HOST_TYPE_CONFIG)
def validate_mq_host_type(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    allowed = options(args, HOST_TYPE_CONFIG)["allowedHostTypes"]
    check_allowed(args, report_violation, "hostInstanceType", allowed, "hostInstanceType")


# ---- acceptance ---------------------------------------------------------------------------------------

# Amazon MQ developer guide, "Deployment modes" / CreateBroker SubnetIds (read 2026-11).
SUBNETS_PER_MODE = {"SINGLE_INSTANCE": (1, 1), "ACTIVE_STANDBY_MULTI_AZ": (2, 2)}
SINGLE_ONLY_HOSTS = ("mq.t3.micro",)


@rule(name="mq-deployment-mode-subnets", area=ACCEPTANCE, resource_types=(MQ_BROKER,),
      description="Amazon MQ subnets match the deployment mode and mq.t3.micro is SINGLE_INSTANCE only.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="SINGLE_INSTANCE: one subnet; ACTIVE_STANDBY_MULTI_AZ: two subnets and mq.m5.large or larger.")
def validate_mq_deployment(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    mode = as_str(get(args.props, "deploymentMode"), "SINGLE_INSTANCE")
    host = as_str(get(args.props, "hostInstanceType"))
    if is_unknown(mode):
        return
    if not is_unknown(host) and host in SINGLE_ONLY_HOSTS and mode != "SINGLE_INSTANCE":
        report_violation(f"{host} supports only SINGLE_INSTANCE; deploymentMode is {mode}.", None)
    subnets = as_list(get(args.props, "subnetIds"))
    if is_unknown(subnets) or not subnets or mode not in SUBNETS_PER_MODE:
        return  # no subnets given: a public broker, or AWS picks the default VPC's
    low, high = SUBNETS_PER_MODE[mode]
    if not low <= len(subnets) <= high:
        want = str(low) if low == high else f"{low}-{high}"
        report_violation(f"deploymentMode {mode} takes {want} subnet(s); subnetIds has {len(subnets)}.", None)


# Amazon MQ API reference CreateBroker / User (read 2026-11): user names 2-100 characters of letters, digits,
# "-", ".", "_" and "~"; passwords 12-250 characters, at least 4 unique, no commas, colons or equals signs;
# RabbitMQ brokers take one user, without console access or groups, and no audit logs; at most 5 security
# groups; maintenance window day of week and HH:MM time.  Engine versions given as major.minor (ActiveMQ 5.18+,
# RabbitMQ 3.13+) require autoMinorVersionUpgrade=true (Amazon MQ developer guide, "Version management").
_USERNAME = re.compile(r"[A-Za-z0-9._~-]{2,100}")
_TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def _password_problem(password) -> str:
    if not isinstance(password, str) or not password:
        return ""
    if not 12 <= len(password) <= 250:
        return f"is {len(password)} characters (12-250 allowed)"
    if set(",:=") & set(password):
        return "contains a comma, colon or equals sign"
    if len(set(password)) < 4:
        return "has fewer than 4 unique characters"
    return ""


def _is_rabbit(props) -> bool:
    return str(as_str(get(props, "engineType"), "")).lower() == "rabbitmq"


@rule(name="mq-broker-values", area=ACCEPTANCE, resource_types=(MQ_BROKER,),
      description="Amazon MQ users, passwords, logs, security groups, maintenance window and engine version "
                  "format are values CreateBroker accepts.",
      level=MANDATORY, severity=Severity.HIGH,
      remediation="Fix the value named in the message (Amazon MQ CreateBroker API reference).")
def validate_mq_broker_values(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    p = args.props
    rabbit = _is_rabbit(p)
    users = as_list(get(p, "users"))
    if not is_unknown(users):
        if rabbit and len(users) > 1:
            report_violation(f"RabbitMQ brokers take exactly one user; users has {len(users)}.", None)
        for user in users:
            name = as_str(get(user, "username"))
            if name and not is_unknown(name) and not _USERNAME.fullmatch(name):
                report_violation(f"username {name!r} must be 2-100 letters, digits, '-', '.', '_' or '~'.", None)
            problem = _password_problem(get(user, "password"))
            if problem:
                report_violation(f"The password of user {name!r} {problem}.", None)
            if rabbit and (as_bool(get(user, "consoleAccess"), False) or as_list(get(user, "groups"))):
                report_violation("RabbitMQ users take no consoleAccess or groups.", None)
    if rabbit and as_bool(get(p, "logs.audit"), False) is True:
        report_violation("RabbitMQ brokers have no audit log; remove logs.audit.", None)
    groups = as_list(get(p, "securityGroups"))
    if not is_unknown(groups) and len(groups) > 5:
        report_violation(f"securityGroups has {len(groups)} entries; at most 5.", None)
    day = as_str(get(p, "maintenanceWindowStartTime.dayOfWeek"))
    if day and not is_unknown(day) and day.upper() not in DAYS:
        report_violation(f"maintenanceWindowStartTime.dayOfWeek {day!r} is not a day of the week.", None)
    time = as_str(get(p, "maintenanceWindowStartTime.timeOfDay"))
    if time and not is_unknown(time) and not _TIME_OF_DAY.fullmatch(time):
        report_violation(f"maintenanceWindowStartTime.timeOfDay {time!r} is not HH:MM (24 h).", None)
    version = as_str(get(p, "engineVersion"), "")
    if not is_unknown(version) and version.count(".") == 1 \
            and as_bool(get(p, "autoMinorVersionUpgrade"), False) is False:
        report_violation(f"engineVersion {version} (major.minor) needs autoMinorVersionUpgrade=true.", None)
    problem = _version_form_problem(version, rabbit) if isinstance(version, str) and version else None
    if problem:
        report_violation(problem, None)


# Amazon MQ developer guide, "Version management" (read 2026-11): from ActiveMQ 5.18 and RabbitMQ 3.13 a broker
# names its engine as major.minor ("5.18", "3.13") and Amazon MQ applies the patches; older versions are named
# in full ("5.17.6", "3.11.20").
MAJOR_MINOR_FROM = {"activemq": (5, 18), "rabbitmq": (3, 13)}
FULL_VERSION_EXAMPLE = {"activemq": "5.17.6", "rabbitmq": "3.11.20"}
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def _version_form_problem(version: str, rabbit: bool) -> str:
    engine = "rabbitmq" if rabbit else "activemq"
    shown = "RabbitMQ" if rabbit else "ActiveMQ"
    m = _VERSION.fullmatch(version)
    if m is None:
        return f"engineVersion {version!r} is not a {shown} version (major.minor or major.minor.patch)."
    major_minor, patch = (int(m.group(1)), int(m.group(2))), m.group(3)
    since = MAJOR_MINOR_FROM[engine]
    if patch is None and major_minor < since:
        return (f"engineVersion {version}: before {shown} {since[0]}.{since[1]} Amazon MQ takes a full version "
                f"(major.minor.patch, like {FULL_VERSION_EXAMPLE[engine]}).")
    if patch is not None and major_minor >= since:
        return (f"engineVersion {version}: from {shown} {since[0]}.{since[1]} Amazon MQ takes major.minor "
                f"({m.group(1)}.{m.group(2)}) and applies the patches itself.")
    return ""


# ---- security -----------------------------------------------------------------------------------------

@rule(name="mq-broker-logging", area=SECURITY, resource_types=(MQ_BROKER,),
      description="Amazon MQ brokers deliver general logs (and audit logs on ActiveMQ) to CloudWatch Logs.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set logs.general=true and logs.audit=true (ActiveMQ).",
      anchors=("CKV_AWS_48", "CKV_AWS_197"))
def validate_mq_logging(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    p = args.props
    if as_bool(get(p, "logs.general"), False) is False:
        report_violation("logs.general is not true: broker logs are not delivered to CloudWatch Logs.", None)
    if not _is_rabbit(p) and as_bool(get(p, "logs.audit"), False) is False:
        report_violation("logs.audit is not true: management actions on the ActiveMQ broker leave no record.", None)


@rule(name="mq-auto-minor-version-upgrade", area=SECURITY, resource_types=(MQ_BROKER,),
      description="Amazon MQ brokers take minor engine upgrades automatically.",
      level=MANDATORY, severity=Severity.MEDIUM,
      remediation="Set autoMinorVersionUpgrade=true.", anchors=("CKV_AWS_207",))
def validate_mq_minor_upgrades(args, report_violation) -> None:
    if args.resource_type != MQ_BROKER:
        return
    if as_bool(get(args.props, "autoMinorVersionUpgrade"), False) is False:
        report_violation("autoMinorVersionUpgrade is not true: the broker misses security patches.", None)


# ---- checks of cross-service rules (cross_service.py) ----------------------------------------------------

@check(NO_PUBLIC_STATEFUL, MQ_BROKER, anchors=("CKV_AWS_69",))
def broker_not_public(args, report_violation, opts) -> None:
    if as_bool(get(args.props, "publiclyAccessible"), False) is True:
        report_violation("publiclyAccessible is true on a message broker.", None)


no_deletion_protection(MQ_BROKER, "The Amazon MQ broker")


# CreateBroker BrokerName: 50 characters (Amazon MQ API reference, read 2026-11).
physical_names(NameRule("brokerName", 50, pattern=re.compile(r"[A-Za-z0-9_-]+")), MQ_BROKER)


baseline(
    __name__,
    service='Amazon MQ',
    resource_types=(
        'aws:mq/broker:Broker',
    ),
    not_applicable={
        'CKV_AWS_208': "The engine version is pinned as major.minor (settings mq.engineVersion) with automatic "
                       "minor upgrades (mq-auto-minor-version-upgrade), so the broker follows the current patch.",
        'CKV_AWS_209': "The broker is encrypted with the account's AWS managed KMS key (encryptionOptions "
                       "useAwsOwnedKey=false); only this account's payment service reads it, so a customer "
                       "managed key adds no control.",
    },
)
