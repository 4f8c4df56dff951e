"""Which resource types cost what: the pricers and the types known to be free.

A pricer is registered with ``@prices(<type token>, ...)`` in its tier module under
``pricers/``; importing the ``pricers`` package loads them all.  A type that is
neither priced nor free is reported as unpriced by the estimate, never as $0.
"""

from __future__ import annotations

from typing import Callable

from ..registry import Registry
from .context import EstimateContext
from .resources import Res

Pricer = Callable[[EstimateContext, Res], None]
PRICERS = Registry("pricer")  # {type token: Pricer}


def prices(*types: str) -> Callable[[Pricer], Pricer]:
    """Register the decorated function as the pricer of ``types``."""
    def register(fn: Pricer) -> Pricer:
        for t in types:
            PRICERS.add(t, fn)
        return fn
    return register


# Types that cost nothing by themselves (their cost, if any, is carried by the
# resource that uses them, e.g. a task definition is priced through its service).
FREE_TYPES: dict[str, str] = {
    t: "no charge of its own" for t in (
        "pulumi:providers:aws", "pulumi:providers:awsx", "pulumi:pulumi:Stack",
        "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
        "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
        "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "aws:ec2/flowLog:FlowLog",
        "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/serviceLinkedRole:ServiceLinkedRole", "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/capacityProvider:CapacityProvider",
        "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
        "aws:lb/listenerCertificate:ListenerCertificate",
        "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy",
        "aws:appautoscaling/scheduledAction:ScheduledAction",
        "aws:apigateway/resource:Resource", "aws:apigateway/method:Method", "aws:apigateway/integration:Integration",
        "aws:apigateway/methodResponse:MethodResponse", "aws:apigateway/integrationResponse:IntegrationResponse",
        "aws:apigateway/deployment:Deployment", "aws:apigateway/stage:Stage", "aws:apigateway/usagePlan:UsagePlan",
        "aws:apigateway/apiKey:ApiKey", "aws:apigateway/usagePlanKey:UsagePlanKey",
        "aws:apigateway/methodSettings:MethodSettings", "aws:apigateway/account:Account",
        "aws:apigateway/domainName:DomainName", "aws:apigateway/basePathMapping:BasePathMapping",
        "aws:apigatewayv2/vpcLink:VpcLink", "aws:apigatewayv2/stage:Stage", "aws:apigatewayv2/route:Route",
        "aws:apigatewayv2/integration:Integration", "aws:apigateway/vpcLink:VpcLink",
        "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
        "aws:route53/record:Record",
        "aws:servicediscovery/httpNamespace:HttpNamespace", "aws:servicediscovery/service:Service",
        "aws:secretsmanager/secretVersion:SecretVersion", "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:secretsmanager/secretRotation:SecretRotation",
        "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
        # Billed on the proxy (rds/proxy/vcpu-hour).
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", "aws:rds/proxyTarget:ProxyTarget",
        "aws:rds/optionGroup:OptionGroup", "aws:elasticache/subnetGroup:SubnetGroup",
        "aws:elasticache/parameterGroup:ParameterGroup", "aws:msk/configuration:Configuration",
        "aws:mq/configuration:Configuration", "aws:efs/mountTarget:MountTarget", "aws:efs/accessPoint:AccessPoint",
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        "aws:wafv2/ruleGroup:RuleGroup", "aws:wafv2/ipSet:IpSet",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:kms/alias:Alias", "aws:kms/keyPolicy:KeyPolicy",
        "aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/cachePolicy:CachePolicy",
        # CloudFront bills data transfer and requests on the distribution; "There is no charge for data
        # transferred from AWS services such as Amazon S3 or ELB" and no line for VPC origins (AWS
        # whitepaper "How AWS Pricing Works", CloudFront, read 2026-11).
        "aws:cloudfront/vpcOrigin:VpcOrigin",
        "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
        "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget",
        "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate",
        "aws:acmpca/permission:Permission", "aws:acmpca/policy:Policy",
        # The root CA's own certificate; leaf certificates are priced as usage on the CA line.
        "aws:acmpca/certificate:Certificate",
        # AWS CodeConnections has no charge of its own (AWS CodePipeline pricing, read 2026-11).
        "aws:codeconnections/connection:Connection",
        "aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group",
        "aws:codestarconnections/connection:Connection", "aws:codestarnotifications/notificationRule:NotificationRule",
        "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:fis/experimentTemplate:ExperimentTemplate",
    )
}
# Pay-per-use with a free tier or fractions of a cent at this platform's volume.
FREE_TYPES.update({
    "aws:sns/topic:Topic": "pay per publish; first 1M requests and 1,000 e-mails a month free (AWS SNS pricing)",
    "aws:sns/topicSubscription:TopicSubscription": "pay per delivery; e-mail alerts are within the free tier",
    "aws:sns/topicPolicy:TopicPolicy": "no charge of its own",
    "aws:sqs/queue:Queue": "pay per request; first 1M requests a month free (AWS SQS pricing)",
    "aws:scheduler/schedule:Schedule": "pay per invocation; first 14M a month free (EventBridge Scheduler pricing)",
    # AWS Price List, AWSBudgets (effective 2020-10-01, read 2026-12): "$0.00 for Budget-days" (notifications);
    # only action-enabled budgets cost "$0.10 per Action-enabled Budget-day" after the first 62 budget-days.
    "aws:budgets/budget:Budget": "no charge: a budget without actions (only action-enabled budgets are billed, "
                                 "$0.10 a day after the first 62 budget-days; AWS Price List, AWSBudgets)",
    # An account setting; reading and changing it are Cost Explorer API requests ("$0.01 per request",
    # AWS Cost Explorer FAQ, read 2026-12), a few per `pulumi up`, not a monthly line.
    "aws:costexplorer/costAllocationTag:CostAllocationTag": "no monthly charge: an account setting (the Cost "
                                                            "Explorer API requests of a deployment cost $0.01 each)",
})
