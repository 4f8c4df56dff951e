"""The stack outputs contract: JSON schema, versioning, no secrets, the example consumer."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest

from conftest import ROOT, plan_for, run_mocked
from components.platform import CONTRACT_VERSION
from preflight.mocks import SECRET_SIG, SIG_KEY

SCHEMA = json.loads((ROOT / "contract" / "outputs.schema.json").read_text())
SAMPLE = json.loads((ROOT / "contract" / "example-outputs.json").read_text())
CONSUMER = ROOT / "examples" / "consumer" / "__main__.py"


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA)


def errors(outputs: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator().iter_errors(outputs)]


def secret_paths(value, path: str = "") -> list[str]:
    """Paths of secret values (engine form) or of keys that look like they hold a credential."""
    found = []
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return [path or "<root>"]
        for k, v in value.items():
            if re.search(r"password|token|private_key|secret_value", k, re.I):
                found.append(f"{path}/{k}")
            found += secret_paths(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += secret_paths(v, f"{path}/{i}")
    return found


def test_schema_is_valid_and_versioned_like_the_program():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["x-contract-version"] == CONTRACT_VERSION
    assert re.fullmatch(SCHEMA["properties"]["contract_version"]["pattern"], CONTRACT_VERSION)
    assert SCHEMA["additionalProperties"] is False, "a new output needs a schema (and version) change"
    assert set(SCHEMA["required"]) == set(SCHEMA["properties"])


def test_schema_covers_exactly_what_build_platform_returns():
    source = (ROOT / "components" / "platform.py").read_text()
    returned = source[source.index("return {"):]
    keys = set(re.findall(r'^\s+"([a-z_]+)":', returned, re.M))
    assert keys == set(SCHEMA["properties"]), "components/platform.py and contract/outputs.schema.json disagree"


def test_sample_outputs_validate():
    assert errors(SAMPLE) == []
    assert secret_paths(SAMPLE) == []


@pytest.mark.parametrize("mutate, where", [
    (lambda o: o.pop("vpc_id"), "vpc_id"),
    (lambda o: o.update(contract_version="2.0.0"), "contract_version"),
    (lambda o: o.update(extra_output="x"), "extra_output"),
    (lambda o: o["databases"]["order"].update(port="5432"), "databases/order/port"),
    (lambda o: o["databases"]["order"].update(address="prod-order.x.rds.amazonaws.com:5432"),
     "databases/order/address"),
    (lambda o: o["databases"]["user"].pop("secret_arn"), "databases/user"),
    (lambda o: o.update(kafka_bootstrap_brokers_tls="b-1.kafka:9092"), "kafka_bootstrap_brokers_tls"),
    (lambda o: o.update(kafka_bootstrap_brokers_iam=""), "kafka_bootstrap_brokers_iam"),
    (lambda o: o.update(pipelines=["microservices-prod-gateway"]), "pipelines"),
    (lambda o: o.update(pipelines={"gateway": ""}), "pipelines"),
    (lambda o: o.update(private_subnet_ids=["subnet-0aa1"]), "private_subnet_ids"),
    (lambda o: o.update(api_url="http://api.example.com"), "api_url"),
    (lambda o: o.update(redis_endpoint={SIG_KEY: SECRET_SIG, "value": "x"}),
     "redis_endpoint"),
])
def test_schema_rejects_broken_outputs(mutate, where):
    broken = copy.deepcopy(SAMPLE)
    mutate(broken)
    found = errors(broken)
    assert found and any(e.startswith(where) or where in e for e in found), found


def test_kafka_tls_brokers_may_be_empty_but_iam_brokers_may_not():
    """IAM-only MSK has no TLS bootstrap string: the contract allows "" there, and a TLS list when set."""
    assert SAMPLE["kafka_bootstrap_brokers_tls"] == "", "the sample shows the platform as it is (IAM only)"
    tls = copy.deepcopy(SAMPLE)
    tls["kafka_bootstrap_brokers_tls"] = "b-1.x.kafka.us-east-1.amazonaws.com:9094,b-2.x.kafka.us-east-1.amazonaws.com:9094"
    assert errors(tls) == []
    assert re.fullmatch(SCHEMA["properties"]["kafka_bootstrap_brokers_iam"]["pattern"], "") is None


def test_secret_detector_finds_secrets():
    assert secret_paths({"databases": {"order": {"password": "x"}}}) == ["/databases/order/password"]
    assert secret_paths({"a": {SIG_KEY: SECRET_SIG, "value": "s"}}) == ["/a"]


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_recorded_plan_outputs_match_the_contract(stack):
    outputs = plan_for(stack)["outputs"]
    assert secret_paths(outputs) == [], "secrets must never be stack outputs"
    assert errors(outputs) == []
    assert outputs["contract_version"] == CONTRACT_VERSION and outputs["stack"] == stack


# ---- the example consumer -------------------------------------------------------------------------


def test_consumer_reads_only_contract_outputs():
    source = CONSUMER.read_text()
    keys = set(re.findall(r'(?:require_output|get_output)\("([a-z_]+)"\)', source))
    assert keys and keys <= set(SCHEMA["properties"])
    nested = set(re.findall(r'dbs\["[a-z-]+"\]\["([a-z_]+)"\]', source))
    assert nested <= set(SCHEMA["$defs"]["database"]["properties"])


def _run_consumer(outputs: dict, monkeypatch, read: list | None = None):
    from preflight import harness
    from preflight.mocks import PlatformMocks

    class WithPlatformStack(PlatformMocks):
        def new_resource(self, args):
            if args.typ == "pulumi:pulumi:StackReference":  # a read, so not in the recorded graph
                (read if read is not None else []).append(args.name)
                return args.name, {"name": args.name, "outputs": outputs, "secretOutputNames": []}
            return super().new_resource(args)

    monkeypatch.setattr(harness, "PlatformMocks", WithPlatformStack)
    code = compile(CONSUMER.read_text(), str(CONSUMER), "exec")
    return run_mocked(lambda: exec(code, {"__name__": "__main__"}), stack="prod", project="platform-consumer-example",
                      config={"aws:region": "us-east-1",
                              "platform-consumer-example:platformStack": "acme/microservices-platform/prod"})


def test_consumer_builds_on_the_contract(monkeypatch):
    read: list[str] = []
    graph = _run_consumer(SAMPLE, monkeypatch, read)
    assert read == ["acme/microservices-platform/prod"], "the stack named in config is read"
    sg = graph.one("aws:ec2/securityGroup:SecurityGroup")["inputs"]
    assert sg["vpcId"] == SAMPLE["vpc_id"]
    alarm = graph.one("aws:cloudwatch/metricAlarm:MetricAlarm")["inputs"]
    assert alarm["alarmActions"] == [SAMPLE["alarm_topic_arn"]]
    assert graph.outputs["order_db_host"] == SAMPLE["databases"]["order"]["address"]
    assert graph.outputs["order_db_port"] == 5432
    assert graph.outputs["orders_api"] == "https://api.example.com/orders"
    assert graph.outputs["platform_contract_version"] == "1.1.0"
    # IAM is the only Kafka authentication: the consumer uses the IAM brokers, never the (empty) TLS string.
    assert graph.outputs["kafka_bootstrap_brokers"] == SAMPLE["kafka_bootstrap_brokers_iam"]


def test_consumer_refuses_another_major_version(monkeypatch):
    with pytest.raises(Exception, match="contract 2.0.0 is not supported"):
        _run_consumer({**SAMPLE, "contract_version": "2.0.0"}, monkeypatch)
