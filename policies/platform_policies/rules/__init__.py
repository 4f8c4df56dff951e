"""The pack's rules, one module per AWS service; all_policies() (the package above) collects them.

Where a rule goes - the module of the service whose resources it judges:

  budget.py          stack-wide monthly budget cap/warn and cost advice (over cost_model)
  budgets.py         the AWS Budgets budget resource (notifications, accepted values)
  cloudfront.py      CloudFront distributions
  cross_service.py   one concern judged on many services (encryption at rest / in transit, no public
                     stateful resources, stateful-resource protection, physical names, required tags);
                     their per-type checks live in the service modules (SHARED_CHECKS, PHYSICAL_NAMES)
  deployability.py   stack-wide: placeholder values (example accounts, domains, ARNs of another region),
                     alarm topics nobody subscribes to, ECR repositories no pipeline builds into
  ec2.py             awsx VPC and NAT gateways, security groups and rules, NACLs, flow logs, VPC endpoints,
                     the default security group, EBS volumes
  ecs.py             ECS services, Fargate task definitions, service autoscaling targets
  efs.py             EFS file systems, mount targets (one per AZ the services use), access points, policies
  elasticache.py     ElastiCache replication groups and clusters
  elb.py             application load balancers, target groups, listeners
  fis.py             FIS experiment templates
  iam.py             IAM roles, policy documents, managed-policy attachments
  kms.py             KMS keys and aliases
  logs.py            CloudWatch log groups, log resource policies, metric alarms, dashboards
  mq.py              Amazon MQ brokers
  msk.py             MSK clusters and their storage autoscaling
  rds.py             RDS instances and parameter groups
  s3.py              S3 buckets and public access blocks
  secretsmanager.py  Secrets Manager secrets (rotation)
  sns.py             SNS topics, topic policies, subscriptions
  sqs.py             SQS queues
  wafv2.py           WAFv2 web ACLs

Each module ends with ``RULES``, its policies in a fixed order.  A new service gets a new module,
listed in SERVICE_MODULES below (a test checks that every module file is listed).
"""

from __future__ import annotations

from . import (budget, budgets, cloudfront, cross_service, deployability, ec2, ecs, efs, elasticache, elb, fis, iam,
               kms, logs, mq, msk, rds, s3, secretsmanager, sns, sqs, wafv2)

# Alphabetical by file name: with the area, this fixes the order of all_policies().
SERVICE_MODULES = (budget, budgets, cloudfront, cross_service, deployability, ec2, ecs, efs, elasticache, elb, fis,
                   iam, kms, logs, mq, msk, rds, s3, secretsmanager, sns, sqs, wafv2)
