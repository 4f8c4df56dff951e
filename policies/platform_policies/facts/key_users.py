"""Which AWS service principals must be let into a customer managed KMS key, a topic policy or a queue policy, and
with which actions, when a resource of the stack makes that service encrypt or publish for it (read 2026-12-07).

* CloudWatch Logs encrypting a log group with ``kmsKeyId``: ``logs.<region>.amazonaws.com`` with
  ``kms:Encrypt*``, ``kms:Decrypt*``, ``kms:ReEncrypt*``, ``kms:GenerateDataKey*``, ``kms:Describe*``; the
  documented statement scopes it with ``ArnLike``/``ArnEquals`` on ``kms:EncryptionContext:aws:logs:arn`` (the
  log group's ARN).  CloudWatch Logs refuses to associate a key it may not use (CloudWatch Logs user guide,
  "Encrypt log data in CloudWatch Logs using AWS Key Management Service", step 2).
* AWS services publishing to an SSE topic: the key policy gives the service principal ``kms:GenerateDataKey*``
  and ``kms:Decrypt``; the AWS managed key ``alias/aws/sns`` cannot be used, its policy cannot be edited
  (SNS developer guide, "Key management", "Enable compatibility between event sources from AWS services and
  encrypted topics": CloudWatch ``cloudwatch.amazonaws.com``, EventBridge ``events.amazonaws.com``, RDS
  ``events.rds.amazonaws.com``, S3 ``s3.amazonaws.com`` ...).  AWS Budgets is not in that table; it publishes
  like the others and needs the same statement for ``budgets.amazonaws.com`` (an encrypted budget topic stays
  silent without it: cds-snc/notification-terraform pull request 2057, "Fixing KMS permissions for AWS Budget
  Alerting", 2025-07-23).
* AWS services sending to an SSE queue: a customer managed key whose policy gives the service
  ``kms:GenerateDataKey`` and ``kms:Decrypt`` (SQS developer guide, "Amazon SQS key management", "Configure KMS
  permissions for AWS services"); SNS subscriptions send as ``sns.amazonaws.com``.
* Topic policies: AWS Budgets needs a statement for ``budgets.amazonaws.com`` with ``SNS:Publish`` (Cost
  Management user guide, "Creating an Amazon SNS topic for budget notifications"); EventBridge needs one for
  ``events.amazonaws.com`` (EventBridge user guide, "Using resource-based policies for Amazon EventBridge", "Amazon
  SNS permissions"); S3 event notifications for ``s3.amazonaws.com`` (S3
  user guide, "Granting permissions to publish event notification messages to a destination").  CloudWatch
  alarms of the topic's own account publish under the default topic policy (its statement allows the account as
  ``AWS:SourceOwner``); a custom policy must let ``cloudwatch.amazonaws.com`` publish, else the alarm history
  shows "is not authorized to perform: SNS:Publish" (re:Post, "Why didn't I receive an SNS notification for my
  CloudWatch alarm trigger?").
* Queue policies: the default queue policy admits only the owner; SNS (``sqs:SendMessage`` for
  ``sns.amazonaws.com``), EventBridge and S3 need a statement (SNS developer guide, "Fanout to Amazon SQS
  queues"; EventBridge user guide, "Using resource-based policies for Amazon EventBridge", "Amazon SQS
  permissions").
* Vended logs written to an SSE-KMS bucket: CloudFront standard logging (legacy) needs a customer managed key
  whose policy gives ``delivery.logs.amazonaws.com`` ``kms:GenerateDataKey*`` (plus ``kms:Decrypt`` with an S3
  Bucket Key); with the AWS managed key CloudFront cannot write (CloudFront developer guide, "Configure standard
  logging (legacy)", "Required key policy for SSE-KMS buckets").  VPC flow logs and WAF logs delivered to S3 use
  the same principal (CloudWatch Logs user guide, "Logs sent to Amazon S3", "Amazon S3 bucket server-side
  encryption").
* S3 server access logs cannot be delivered to a target bucket whose default encryption is SSE-KMS (S3 user
  guide, "Enabling Amazon S3 server access logging"); ALB access logs likewise need SSE-S3 (judged by
  ``alb-access-log-bucket``).
* Secrets an ECS task reads at start: the task execution role needs ``kms:Decrypt`` on the secret's key when
  the secret is encrypted with a customer managed key (ECS developer guide, "Amazon ECS task execution IAM
  role", "Required IAM permissions for Amazon ECS secrets").
"""

from __future__ import annotations

LOGS_PRINCIPAL = "logs.{region}.amazonaws.com"
LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
                    "kms:DescribeKey")
LOGS_CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"

PUBLISH_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"
LOG_DELIVERY_KEY_ACTIONS = ("kms:GenerateDataKey",)
LOG_DELIVERY_BUCKET_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")

CLOUDWATCH, BUDGETS, EVENTS = "cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"
RDS_EVENTS, S3, SNS = "events.rds.amazonaws.com", "s3.amazonaws.com", "sns.amazonaws.com"

# Publishers a topic policy must name; CloudWatch only when the topic has a custom policy.
TOPIC_POLICY_NEEDED = {BUDGETS: True, EVENTS: True, S3: True, CLOUDWATCH: False}
QUEUE_POLICY_NEEDED = {SNS: True, EVENTS: True, S3: True}

