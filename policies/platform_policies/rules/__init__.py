"""The pack's rules, one module per AWS service; importing this package loads every module in it.

Where a rule goes - the module of the service whose resources it judges:

  acm.py             ACM certificates (edge custom domains)
  acmpca.py          AWS Private CA (Service Connect TLS)
  apigateway.py      API Gateway REST API, stage, methods, integrations, usage plans, account
  appautoscaling.py  Application Auto Scaling targets, policies, scheduled actions
  budgets.py         the AWS Budgets budget resource (notifications, accepted values)
  cloudfront.py      CloudFront distributions and VPC origins
  codebuild.py       CodeBuild projects
  codeconnections.py CodeConnections source connections
  codepipeline.py    CodePipeline pipelines
  cross_service.py   one concern judged on many services (encryption at rest / in transit, no public
                     stateful resources, stateful-resource protection, physical names, required tags);
                     the service modules register their per-type checks
  deployability.py   stack-wide: placeholder values (example accounts, domains, ARNs of another region),
                     alarm topics nobody subscribes to, ECR repositories no pipeline builds into
  ec2.py             awsx VPC and NAT gateways, security groups and rules, NACLs, flow logs, VPC endpoints,
                     the default security group, EBS volumes
  ecr.py             ECR repositories and lifecycle policies
  ecs.py             ECS clusters, services, Fargate task definitions, service autoscaling targets
  efs.py             EFS file systems, mount targets (one per AZ the services use), access points, policies
  elasticache.py     ElastiCache replication groups and clusters
  elb.py             application load balancers, target groups, listeners, listener rules
  fis.py             FIS experiment templates
  iam.py             IAM roles, policy documents, managed-policy attachments
  kms.py             KMS keys and aliases
  logs.py            CloudWatch log groups, log resource policies, metric alarms, dashboards
  mq.py              Amazon MQ brokers
  msk.py             MSK clusters and their storage autoscaling
  rds.py             RDS instances and parameter groups
  route53.py         Route 53 records
  s3.py              S3 buckets and their companion resources
  secretsmanager.py  Secrets Manager secrets (rotation)
  servicediscovery.py Cloud Map namespaces
  sns.py             SNS topics, topic policies, subscriptions
  sqs.py             SQS queues
  stack_cost.py      the stack's estimated monthly cost: budget cap and warning, cost advice (over cost_model)
  wafv2.py           WAFv2 web ACLs, IP sets, associations, logging; WAF on every public entry

A new service gets a new module: it declares its rules (``@rule`` on each validator) and its
``baseline(...)``; nothing else lists it.
"""

from __future__ import annotations

from ..registry import load_package

load_package(__name__)
