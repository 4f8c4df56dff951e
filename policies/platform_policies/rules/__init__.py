"""The pack's rules, one module per AWS service; all_policies() (the package above) collects them.

Where a rule goes - the module of the service whose resources it judges:

  budget.py          stack-wide monthly budget cap/warn and cost advice (over cost_model)
  cloudfront.py      CloudFront distributions
  cross_service.py   one concern judged on many services (encryption at rest / in transit, no public
                     stateful resources, stateful-resource protection, physical names, required tags);
                     their per-type checks live in the service modules (SHARED_CHECKS, PHYSICAL_NAMES)
  deployability.py   stack-wide: placeholder values (example accounts, domains, ARNs of another region),
                     alarm topics nobody subscribes to, ECR repositories no pipeline builds into
  ec2.py             awsx VPC and NAT gateways, security groups, EBS volumes
  ecs.py             ECS services, Fargate task definitions, service autoscaling targets
  efs.py             EFS file systems
  elasticache.py     ElastiCache replication groups and clusters
  elb.py             application load balancers, target groups, listeners
  iam.py             IAM roles and policy documents
  logs.py            CloudWatch log groups
  mq.py              Amazon MQ brokers
  msk.py             MSK clusters and their storage autoscaling
  rds.py             RDS instances and parameter groups
  s3.py              S3 buckets and public access blocks
  secretsmanager.py  Secrets Manager secrets
  sns.py             SNS topics
  sqs.py             SQS queues
  wafv2.py           WAFv2 web ACLs

Each module ends with ``RULES``, its policies in a fixed order.  A new service gets a new module,
listed in SERVICE_MODULES below (a test checks that every module file is listed).
"""

from __future__ import annotations

from . import (budget, cloudfront, cross_service, deployability, ec2, ecs, efs, elasticache, elb, iam, logs, mq, msk,
               rds, s3, secretsmanager, sns, sqs, wafv2)

# Alphabetical by file name: with the area, this fixes the order of all_policies().
SERVICE_MODULES = (budget, cloudfront, cross_service, deployability, ec2, ecs, efs, elasticache, elb, iam, logs, mq,
                   msk, rds, s3, secretsmanager, sns, sqs, wafv2)
