"""Bad stack config never passes and never crashes: a table of malformed inputs.

Every case runs ``preflight.stackconfig.validate`` (what the CLI calls before the mock run) on
a scratch stack ``qa`` that starts as a copy of prod, and asserts the contract: a UsageError or
ConfigError (both exit code 2) whose message names the offending key, says what is allowed,
stays under 2,000 characters and holds no traceback.  Families: stack YAML files, every
settings key, and ``--set``.  One subprocess case per family proves the real entry points
honour it (tests/test_config_entrypoints.py).
"""

from __future__ import annotations

import shutil
from typing import NamedTuple, Optional

import pytest

from conftest import QA_STACK_YAML, ROOT
from preflight.stackconfig import UsageError, validate

PROD = QA_STACK_YAML
P = "microservices-platform:"
MAX_MESSAGE = 2000


class Case(NamedTuple):
    id: str
    key: str                        # the message must name this key (a substring)
    yaml: Optional[str] = None      # the whole Pulumi.qa.yaml (default: prod's)
    sets: tuple[str, ...] = ()      # --set overrides


def _stack(entry: str) -> str:
    """Prod's stack file with one more project config entry: ``entry`` is ``key: value`` (further lines
    indented by four), without the project prefix and the last newline."""
    return PROD + f"  {P}{entry}\n"


def _yaml_cases() -> list[Case]:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi"))
    return [
        # malformed YAML
        Case("unclosed-flow", "Pulumi.qa.yaml", "config:\n  microservices-platform:azCount: [2\n"),
        Case("bad-indent", "Pulumi.qa.yaml", "config:\n  a:b: 1\n   c:d: 2\n"),
        Case("tab-indent", "Pulumi.qa.yaml", "config:\n\tmicroservices-platform:azCount: 2\n"),
        Case("unterminated-quote", "Pulumi.qa.yaml", 'config:\n  microservices-platform:owner: "abc\n'),
        Case("bad-escape", "Pulumi.qa.yaml", 'config:\n  microservices-platform:owner: "\\q"\n'),
        Case("two-documents", "Pulumi.qa.yaml", "config: {}\n---\nconfig: {}\n"),
        Case("stray-bracket", "Pulumi.qa.yaml", "config: ]\n"),
        Case("colon-soup", "Pulumi.qa.yaml", "config:\n  microservices-platform:owner: a: b: c\n"),
        Case("unknown-tag", "Pulumi.qa.yaml", "config:\n  microservices-platform:owner: !!python/object:os.system x\n"),
        Case("not-utf8", "Pulumi.qa.yaml", "config:\n  microservices-platform:owner: \udcff\n"),
        Case("duplicate-key", "azCount", "config:\n  microservices-platform:azCount: 2\n"
                                         "  microservices-platform:azCount: 3\n"),
        Case("duplicate-nested-key", "cpu", _stack("services:\n    order: {cpu: 512, cpu: 256}")),
        # alias bombs and recursion
        Case("billion-laughs", "Pulumi.qa.yaml", bomb + "config:\n  microservices-platform:owner: *i\n"),
        Case("alias-bomb-in-config", "Pulumi.qa.yaml", bomb.replace("i: &i", "config:\n  x:y: &i")),
        Case("self-alias", "Pulumi.qa.yaml", "config:\n  microservices-platform:database: &d {owners: *d}\n"),
        Case("recursive-list", "Pulumi.qa.yaml", "config:\n  microservices-platform:kafka:\n    clients: &c [*c]\n"),
        Case("huge-file", "Pulumi.qa.yaml", "config:\n  microservices-platform:owner: " + "x" * 300_000 + "\n"),
        Case("deep-nesting", "Pulumi.qa.yaml", "config:\n  microservices-platform:scaling: " + "[" * 40 + "]" * 40 + "\n"),
        # wrong top-level shape
        Case("top-level-list", "Pulumi.qa.yaml", "- config\n- azCount\n"),
        Case("top-level-scalar", "Pulumi.qa.yaml", "just text\n"),
        Case("top-level-number", "Pulumi.qa.yaml", "42\n"),
        Case("config-list", "config", "config:\n  - microservices-platform:azCount: 2\n"),
        Case("config-number", "config", "config: 5\n"),
        Case("misspelled-config", "confg", "confg:\n  microservices-platform:azCount: 2\n"),
        # keys
        Case("key-without-namespace", "azCount", "config:\n  azCount: 2\n"),
        Case("key-three-parts", "a:b:c", "config:\n  a:b:c: 1\n"),
        Case("key-empty-namespace", ":azCount", "config:\n  :azCount: 2\n"),
        Case("numeric-config-key", "1", "config:\n  1: x\n"),
        Case("null-config-key", "None", "config:\n  null: x\n"),
        Case("list-as-key", "Pulumi.qa.yaml", "config:\n  ? [a, b]\n  : 1\n"),
        Case("numeric-service-name", "services", _stack("services:\n    1: {cpu: 256}")),
        Case("bool-key-in-object", "multiAz", _stack("multiAz:\n    true: false")),
        # YAML 1.1 words Pulumi reads as strings
        Case("yes-is-no-boolean", "deletionProtection", _stack("deletionProtection: yes")),
        Case("on-is-no-boolean", "multiAz.cache", _stack("multiAz:\n    cache: on")),
        Case("sexagesimal-is-text", "azCount", _stack("azCount: 1:30")),
        # huge values inside the file limit
        Case("huge-string", "owner", _stack("owner: " + "x" * 100_000)),
        Case("huge-list", "kafka.clients", _stack("kafka:\n    clients: ["
                                                 + ", ".join(f"s{i}" for i in range(150)) + "]")),
        Case("huge-map", "services", _stack("services:" + "".join(
            f"\n    svc{i}: {{}}" for i in range(101)))),
        # unknown keys
        Case("unknown-top-key", "bogus", _stack("bogus: 1")),
        Case("unknown-nested-key", "multiAz.databse", _stack("multiAz:\n    databse: false")),
        Case("unknown-service-key", "services.order.colour", _stack("services:\n    order: {colour: red}")),
        Case("dotted-top-key", "services.order.cpu", _stack("services.order.cpu: 512")),
        # wrong types at every level
        Case("object-as-string", "multiAz", _stack("multiAz: all")),
        Case("object-as-list", "multiAz", _stack("multiAz: [true]")),
        Case("object-as-number", "scaling", _stack("scaling: 5")),
        Case("map-as-list", "services", _stack("services: [gateway]")),
        Case("entry-as-string", "services.order", _stack("services:\n    order: big")),
        Case("entry-as-null", "services.order", _stack("services:\n    order: null")),
        Case("field-as-list", "services.order.cpu", _stack("services:\n    order: {cpu: [256]}")),
        Case("field-as-text", "services.order.public", _stack("services:\n    order: {public: maybe}")),
        Case("list-as-string", "database.owners", _stack("database:\n    owners: user")),
        Case("list-of-numbers", "database.owners", _stack("database:\n    owners: [1, 2]")),
        Case("list-with-null", "kafka.clients", _stack("kafka:\n    clients: [order, null]")),
        Case("number-as-bool", "schedule.enabled", _stack("schedule:\n    enabled: 1")),
        Case("nan-in-object", "scaling.cpuTargetPercent", _stack("scaling:\n    cpuTargetPercent: .nan")),
        Case("inf-top-level", "monthlyBudgetUsd", _stack("monthlyBudgetUsd: .inf")),
        Case("string-domain-number", "edge.domainName",
             PROD.replace("domainName: api.shop-platform.io", "domainName: 12345")),
        # secure values in odd places
        Case("secure-number", "azCount", _stack("azCount:\n    secure: AAAB==")),
        Case("secure-bool-in-object", "multiAz.database", _stack("multiAz:\n    database:\n      secure: AAAB==")),
        Case("secure-service-cpu", "services.order.cpu",
             _stack("services:\n    order:\n      cpu: {secure: AAAB==}")),
        Case("secure-whole-map", "services", _stack("services:\n    secure: AAAB==")),
        Case("secure-not-text", "alertEmail", _stack("alertEmail:\n    secure: 123")),
        Case("secure-empty", "alertEmail", _stack("alertEmail:\n    secure: ''")),
        Case("secure-reference", "database.owners[0]", _stack("database:\n    owners: [{secure: AAAB==}]")),
        Case("secure-cache-owner", "cache.owner", _stack("cache:\n    owner: {secure: AAAB==}")),
        Case("secure-with-sibling", "multiAz.secure", _stack("multiAz:\n    secure: AAAB==\n    database: false")),
        Case("secure-timezone", "schedule.timezone", _stack("schedule:\n    timezone: {secure: AAAB==}")),
        Case("secure-vpc-cidr", "vpcCidr", _stack("vpcCidr:\n    secure: AAAB==")),
        Case("secure-zone-id", "availabilityZoneIds", _stack("availabilityZoneIds:\n    - secure: AAAB==\n"
                                                              "    - use1-az1\n    - use1-az2")),
        Case("secure-service-name-key", "Pulumi.qa.yaml", _stack("services:\n    {secure: x}: {cpu: 256}")),
    ]


def _setting_cases() -> list[Case]:
    """One ``--set`` per bad value, on every settings key family."""
    table = {
        "azCount": ["4", "two", "", "2.5", "nan", "-0"],
        "availabilityZoneIds": ['["use1-az1"]', '["us-east-1a","use1-az1","use1-az2"]', '["use1-az1","use1-az1","use1-az2"]',
                                '["euw1-az1","use1-az1","use1-az2"]', '["use1-az3","use1-az1","use1-az2"]', "use1-az1"],
        "vpcCidr": ["10.999.0.0/16", "10.0.0.0/8", "192.168.0.0/16", "", "10.0.0.1/16", "10.1.0.0/16/16"],
        "costCenter": ["", "x" * 200, "a{b}", "tab\there"],
        "owner": ["", "ünicode", "x" * 129],
        "alertEmail": ["", "nobody", "a@b", "a b@example.org", "x" * 70 + "@example.org", "a@-bad-.org",
                       "a@" + "b" * 64 + ".org", "two@@example.org"],
        "monthlyBudgetUsd": ["nan", "NaN", "inf", "-inf", "1e309", "-0", "0", "", "abc", "1e3000", "-1"],
        "logRetentionDays": ["0", "10", "-1", "1e309", "", "30.5", "9" * 40],
        "deletionProtection": ["yes", "", "1", "TRUE"],   # Config.get_bool reads true/True/false/False only
        "serviceConnectTls": ["maybe"],
        "tracing": ["on"],
        "multiAz.database": ["no"],
        "multiAz.cache": ["2"],
        "scaling.desiredCount": ["-1", "1001", "1.5", "nan"],
        "scaling.cpuTargetPercent": ["nan", "inf", "5", "96", "-0", "1e309"],
        "scaling.memoryTargetPercent": ["-inf"],
        "scaling.requestsPerTarget": ["0"],
        "scaling.scaleInPercent": ["100"],
        "scaling.scaleOutCooldownSeconds": ["-1"],
        "schedule.timezone": ["Mars/Olympus", "", "Europe/berlin", "UTC+2", "../../etc/passwd", "x" * 300],
        "schedule.startHour": ["24", "-1"],
        "schedule.hoursPerDay": ["0"],
        "schedule.daysPerMonth": ["32", "20"],
        "schedule.days": ["FRI-MON", "XYZ", "", "mon-fri", "MON,,FRI"],
        "database.engineVersion": ["", "12.1", "16.x", "latest"],
        "database.instanceClass": ["t3.medium", ""],
        "database.allocatedStorageGb": ["10", "70000"],
        "database.backupRetentionDays": ["0", "36"],
        "database.readReplicas": ["6"],
        "database.owners": ['["user","user"]', '[""]', '["user",null]', '["Bad_Name"]', "[]x"],
        "cache.engine": ["memcached", ""],
        "cache.engineVersion": ["", "seven"],
        "cache.nodeType": ["cache.t4g"],
        "cache.replicas": ["-1", "6"],
        "cache.owner": [""],
        "kafka.kafkaVersion": ["2.8.1", "", "latest", "3.8", "2.8.2.tiered"],
        "kafka.brokerType": ["m5.large"],
        "kafka.brokersPerAz": ["0"],
        "kafka.storageGb": ["0", "20000"],
        "kafka.clients": ['["order","order"]'],
        "mq.engineVersion": ["6.0", ""],
        "mq.hostType": ["mq.t3"],
        "mq.owner": [""],
        "efs.mountedBy": ['["inventory","inventory"]'],
        "edge.certificateArn": ["not-an-arn", ""],
        "edge.domainName": ["", "-bad.example.org", "a" * 64 + ".example.org", "x." * 130 + "org",
                            "API.Example.org", "localhost", "api..example.org"],
        "edge.cdnCertificateArn": ["arn:aws:acm:eu-west-1:123456789012:certificate/x"],
        "edge.wafRateLimit": ["5", "10000000000"],
        "edge.apiThrottleRatePerSecond": ["nan"],
        "edge.apiThrottleBurst": ["0"],
        "edge.apiQuotaPerMonth": ["0"],
        "edge.cdn": ["yes"],
        "edge.cdnAliases": ['["a.example.org","a.example.org"]', '["bad_name"]', '["' + "a" * 64 + '.example.org"]'],
        "edge.hostedZoneId": ["X123"],
        "edge.originVerifyGeneration": ["0", "1000"],
        "edge.manageApiGatewayAccount": ["maybe"],
        "delivery.sourceConnectionArn": ["arn:aws:s3:::bucket"],
        "delivery.repositoryOwner": ["", "-bad", "a" * 40],
        "delivery.branch": ["", "feature..x", "/main", "main.lock", "a b", "x" * 101],
        "services.order.cpu": ["300", "0"],
        "services.order.port": ["0", "70000"],
        "services.order.public": ["sure"],
        "services.order.path": ["orders"],
        "services.order.healthCheckPath": ["health", "/" + "h" * 1100],
        "services.order.architecture": ["arm"],
        "services.order.image": ["bad image!", "x" * 300],
        "services.order.critical": ["no"],
        "services.order.desiredCount": ["-1"],
        "services.order.maxCount": ["0"],
        "services.order.enabled": ["nope"],
        "serviceSizeOverride.cpu": ["100"],
        "loadTest.enabled": ["perhaps"],
        "loadTest.users": ["0", "2000000", "many"],
        "loadTest.spawnRate": ["0", "nan", "20000"],
        "loadTest.runMinutes": ["0", "1441"],
        "loadTest.usersPerWorker": ["0", "60000"],
        "loadTest.workerCpu": ["300"],
        "loadTest.workerMemory": ["100"],
        "loadTest.masterCpu": ["100"],
        "loadTest.image": ["bad image!", "x" * 300],
        "aws:region": ["mars-1", ""],
    }
    cases = [Case(f"{key}={value[:24]}", key.split(":")[-1], sets=(f"{key}={value}",))
             for key, values in table.items() for value in values]
    # Cross-key rules and names of the services map.
    cases += [
        Case("scaling-order", "scaling", sets=("scaling.minCount=5",)),
        Case("service-counts", "services.order", sets=("services.order.minCount=30",)),
        Case("fargate-pair", "services.order.memory", sets=("services.order.memory=100000",)),
        Case("fargate-pair-both-given", "services.order.memory",
             sets=("services.order.cpu=1024", "services.order.memory=512")),
        Case("schedule-past-midnight", "schedule", sets=("schedule.enabled=true", "schedule.startHour=20")),
        Case("days-per-month-vs-days", "schedule.daysPerMonth", sets=("schedule.days=MON-THU",
                                                                      "schedule.daysPerMonth=22")),
        Case("storage-below-start", "database.maxAllocatedStorageGb", sets=("database.maxAllocatedStorageGb=30",)),
        Case("kafka-storage", "kafka.maxStorageGb", sets=("kafka.maxStorageGb=50",)),
        Case("valkey-version", "cache.engineVersion", sets=("cache.engine=valkey",)),
        Case("cache-multi-az", "cache.replicas", sets=("cache.replicas=0",)),
        Case("mq-micro-multi-az", "mq.hostType", sets=("mq.hostType=mq.t3.micro",)),
        Case("cert-region", "edge.certificateArn",
             sets=("edge.certificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/x",)),
        Case("aliases-need-cert", "edge.cdnAliases", sets=('edge.cdnAliases=["cdn.example.org"]',)),
        Case("accept-previous", "edge.originVerifyAcceptPrevious", sets=("edge.originVerifyAcceptPrevious=true",)),
        Case("unknown-owner", "database.owners", sets=('database.owners=["billing"]',)),
        Case("unknown-client", "kafka.clients", sets=('kafka.clients=["billing"]',)),
        Case("disabled-owner", "mq.owner", sets=("services.payment.enabled=false",)),
        Case("no-public-service", "services", sets=tuple(f"services.{n}.public=false" for n in
                                                          ("gateway", "user", "order", "inventory", "payment"))),
        Case("two-default-routes", "services", sets=("services.order.path=/*",)),
        Case("api-stage-path", "services.order.path", sets=("services.order.path=/v1/orders/*",)),
        # The load test's cross-key rules (only when it is on).
        Case("load-test-worker-pair", "loadTest.workerMemory", sets=("loadTest.enabled=true",
                                                                     "loadTest.workerMemory=1024")),
        Case("load-test-master-pair", "loadTest.masterMemory", sets=("loadTest.enabled=true",
                                                                     "loadTest.masterCpu=2048")),
        Case("load-test-too-many-workers", "loadTest.usersPerWorker",
             sets=("loadTest.enabled=true", "loadTest.users=1000000", "loadTest.usersPerWorker=100")),
        Case("load-test-without-cdn", "edge.cdn", sets=("loadTest.enabled=true", "edge.cdn=false")),
        Case("bad-name-upper", "services.Billing", sets=('services={"Billing": {}}',)),
        Case("bad-name-digit", "services.1svc", sets=('services={"1svc": {}}',)),
        Case("bad-name-long", "services." + "a" * 21, sets=('services={"' + "a" * 21 + '": {}}',)),
        Case("bad-name-underscore", "services.bad_name", sets=('services={"bad_name": {}}',)),
        Case("size-override-pair", "serviceSizeOverride.memory", sets=('serviceSizeOverride={"cpu": 256, "memory": 4096}',)),
        Case("size-override-string", "serviceSizeOverride", sets=("serviceSizeOverride=small",)),
    ]
    return cases


def _set_cases() -> list[Case]:
    """Malformed ``--set`` arguments."""
    return [
        Case("no-equals", "azCount", sets=("azCount",)),
        Case("empty-key", "empty key", sets=("=3",)),
        Case("leading-dot", ".x", sets=(".x=1",)),
        Case("double-dot", "a..b", sets=("a..b=1",)),
        Case("trailing-dot", "services.", sets=("services.=1",)),
        Case("empty-segment", "services.order.", sets=("services.order.=1",)),
        Case("empty-name-after-namespace", "aws:", sets=("aws:=1",)),
        Case("path-into-scalar", "edge.domainName", sets=("edge.domainName.x=1",)),
        Case("path-into-scalar-deeper", "edge.domainName", sets=("edge.domainName.x.y=1",)),
        Case("path-through-top-scalar", "azCount", sets=("azCount.x=1",)),
        Case("key-into-list", "database.owners", sets=('database.owners=["user"]', "database.owners.x=1")),
        Case("index-into-object", "edge", sets=("edge[0]=1",)),
        Case("index-past-end", "kafka.clients", sets=("kafka.clients[5]=order",)),
        Case("index-not-number", "kafka.clients[x]", sets=("kafka.clients[x]=1",)),
        Case("index-unclosed", "kafka.clients[0", sets=("kafka.clients[0=1",)),
        Case("index-first", "[0]", sets=("[0]=1",)),
        Case("list-replaces-map", "services", sets=("services[0]=x",)),
        Case("unknown-key", "bogus", sets=("bogus=1",)),
        Case("unknown-nested-key", "services.order.bogus", sets=("services.order.bogus=1",)),
        Case("bad-json-object", "services", sets=("services={bad",)),
        Case("bad-json-list", "database.owners", sets=("database.owners=[1,",)),
        Case("bad-json-nested", "services.order", sets=("services.order={cpu: 256}",)),
        Case("deep-json", "services", sets=("services=" + "[" * 5000 + "]" * 5000,)),
        Case("huge-value", "owner", sets=("owner=" + "x" * 100_000,)),
        Case("json-null-map", "services.order", sets=('services={"order": null}',)),
        Case("json-nan", "scaling.cpuTargetPercent", sets=('scaling={"cpuTargetPercent": NaN}',)),
        Case("json-huge-number", "scaling.desiredCount", sets=('scaling={"desiredCount": 1e400}',)),
        Case("fraction-for-integer", "services.order.port", sets=("services.order.port=8080.5",)),
    ]


YAML_CASES = _yaml_cases()
SETTING_CASES = _setting_cases()
SET_CASES = _set_cases()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-inputs")
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    return root


def _assert_refused(root, case: Case) -> str:
    stack_file = root / "Pulumi.qa.yaml"
    text = PROD if case.yaml is None else case.yaml
    stack_file.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(UsageError) as exc:
        validate(root, "qa", list(case.sets))
    message = str(exc.value)
    assert case.key in message, message
    assert "allowed" in message, message
    assert len(message) <= MAX_MESSAGE, (len(message), message[:300])
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize("case", YAML_CASES, ids=[c.id for c in YAML_CASES])
def test_bad_stack_files_are_refused(scratch, case):
    _assert_refused(scratch, case)


@pytest.mark.parametrize("case", SETTING_CASES, ids=[c.id for c in SETTING_CASES])
def test_bad_settings_are_refused(scratch, case):
    _assert_refused(scratch, case)


@pytest.mark.parametrize("case", SET_CASES, ids=[c.id for c in SET_CASES])
def test_bad_set_arguments_are_refused(scratch, case):
    _assert_refused(scratch, case)


def test_the_table_is_large_enough():
    assert len(YAML_CASES) >= 50 and len(SETTING_CASES) >= 150 and len(SET_CASES) >= 25


def test_the_scratch_stack_itself_is_valid(scratch):
    """The cases fail because of what they change, not because the scratch stack is broken."""
    (scratch / "Pulumi.qa.yaml").write_text(PROD)
    assert validate(scratch, "qa").config.azCount == 3


def test_many_problems_are_cut_to_a_bounded_message(scratch):
    (scratch / "Pulumi.qa.yaml").write_text(PROD)
    sets = [f"services.svc{i}.cpu=1" for i in range(60)]
    message = _assert_refused(scratch, Case("many", "services.svc0.cpu", sets=tuple(sets)))
    assert "... and" in message and "more" in message
