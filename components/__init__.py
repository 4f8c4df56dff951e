"""The platform's Pulumi components: one package per tier, wired together by ``platform.py``.

    config/         typed stack settings, validated before any resource is built
    shared/         building blocks every tier uses (names, IAM, grants, generated secrets)
    network/        VPC, subnets, NAT gateways, VPC endpoints, flow logs, NACLs
    edge/           ALB, REST API, CloudFront, WAF, origin verification
    data/           RDS, ElastiCache, EFS
    messaging/      MSK, Amazon MQ
    observability/  SNS alarm topic, alarms, dashboard
    compute/        ECS cluster, Service Connect and Private CA, the microservices and their autoscaling
    chaos/          FIS experiment templates
    delivery/       CodePipeline and CodeBuild per service
    budget/         AWS Budgets

Each tier package holds its ComponentResource in a module named after the tier
(``edge/edge.py`` -> ``platform:edge:Edge``) and its parts beside it.  Package
``__init__`` files import nothing, so reading settings never pulls in the AWS SDK
and tiers can import each other's helpers without cycles.
"""
