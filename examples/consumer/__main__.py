"""A team's stack that builds on the platform through its outputs contract.

It reads the platform stack's outputs with a StackReference, refuses a contract
major version it was not written for, and creates a reporting queue in the
platform's account and VPC: a security group for its workers in the platform VPC
and an alarm on the queue that notifies the platform's alarm topic.
"""

import pulumi
import pulumi_aws as aws

SUPPORTED_CONTRACT_MAJOR = 1

config = pulumi.Config()
platform = pulumi.StackReference(config.get("platformStack") or "organization/microservices-platform/prod")


def check_contract(version: str) -> str:
    """Fail the deployment (not a worker at runtime) if the platform broke the contract."""
    major = int(str(version).split(".")[0])
    if major != SUPPORTED_CONTRACT_MAJOR:
        raise ValueError(f"platform outputs contract {version} is not supported "
                         f"(this program reads {SUPPORTED_CONTRACT_MAJOR}.x)")
    return version


contract_version = platform.require_output("contract_version").apply(check_contract)
vpc_id = platform.require_output("vpc_id")
alarm_topic_arn = platform.require_output("alarm_topic_arn")
databases = platform.require_output("databases")
stack_tags = {"service": "reporting", "tier": "consumer", "stack": pulumi.get_stack(), "cost-center": "reporting"}

workers = aws.ec2.SecurityGroup(
    "reporting-workers",
    description="Reporting workers in the platform VPC (HTTPS to private 10.0.0.0/8 only)",
    vpc_id=vpc_id,
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=443, to_port=443,
                                            cidr_blocks=["10.0.0.0/8"], description="HTTPS to private addresses")],
    tags=stack_tags)

queue = aws.sqs.Queue("reporting-jobs", sqs_managed_sse_enabled=True, message_retention_seconds=4 * 24 * 3600,
                      tags=stack_tags)

aws.cloudwatch.MetricAlarm(
    "reporting-jobs-age",
    alarm_description="Reporting jobs wait more than 15 minutes",
    namespace="AWS/SQS", metric_name="ApproximateAgeOfOldestMessage", statistic="Maximum",
    dimensions={"QueueName": queue.name}, period=300, evaluation_periods=3, datapoints_to_alarm=3,
    comparison_operator="GreaterThanThreshold", threshold=900, treat_missing_data="notBreaching",
    alarm_actions=[alarm_topic_arn], ok_actions=[alarm_topic_arn], tags=stack_tags)

pulumi.export("platform_contract_version", contract_version)
pulumi.export("orders_api", platform.require_output("api_url").apply(lambda url: f"{url.rstrip('/')}/orders"))
pulumi.export("order_db_host", databases.apply(lambda dbs: dbs["order"]["address"]))
pulumi.export("order_db_port", databases.apply(lambda dbs: int(dbs["order"]["port"])))
pulumi.export("order_db_secret_arn", databases.apply(lambda dbs: dbs["order"]["secret_arn"]))
# IAM is the platform's only Kafka client authentication: kafka_bootstrap_brokers_tls is empty there.
pulumi.export("kafka_bootstrap_brokers", platform.require_output("kafka_bootstrap_brokers_iam"))
pulumi.export("workers_security_group_id", workers.id)
pulumi.export("queue_url", queue.url)
