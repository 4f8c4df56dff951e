"""The metrics AWS services publish to CloudWatch: namespace, metric names, dimension sets, value range.

An alarm on a metric a namespace does not publish, or with dimensions the metric is not published with, is
accepted by PutMetricAlarm and then never leaves INSUFFICIENT_DATA: dimensions are part of a metric's identity,
so each combination of dimension names is a different metric (CloudWatch API reference, "Dimension": "dimensions
are part of the unique identifier for a metric", read 2026-12-07).

Each namespace below cites the service page its metrics and dimension sets come from (read 2026-12-07,
from the stored copies of the pages; where a page lists dimensions only in the console, the CloudWatch
console's service metadata as shipped in @aws-cdk/aws-service-spec 0.1.216 of 2026-09-29 was the cross-check).
A family lists every dimension set the page names for its metrics; where the console metadata and the page
disagree, the union is kept, so the table refuses only what neither names.  Ranges: ``PERCENT`` metrics are
0-100, the rest are counts, bytes, seconds or rates, never negative (``NON_NEGATIVE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

PERCENT = (0.0, 100.0)
NON_NEGATIVE = (0.0, None)
Bounds = tuple[Optional[float], Optional[float]]


def sets(*groups: tuple[str, ...]) -> tuple[frozenset, ...]:
    return tuple(frozenset(g) for g in groups)


@dataclass(frozen=True)
class Family:
    """Metrics published with the same dimension sets and range."""

    metrics: tuple[str, ...]
    dimension_sets: tuple[frozenset, ...]
    bounds: Bounds = NON_NEGATIVE
    level: Optional[str] = None  # AWS/Kafka: the cluster's enhancedMonitoring level that publishes them


@dataclass(frozen=True)
class Namespace:
    source: str
    families: tuple[Family, ...]


# ---- AWS/ECS --------------------------------------------------------------------------------------------------
# ECS Developer Guide, "Amazon ECS CloudWatch metrics" (docs.aws.amazon.com/AmazonECS/latest/developerguide/
# available-metrics.html): reservation metrics by ClusterName only; utilization by ClusterName, or ClusterName
# and ServiceName.  Service utilization is measured against the task definition's reservation and can exceed
# 100 % when tasks burst above it ("Amazon ECS service utilization metrics"), so it has no upper bound here.
_CLUSTER, _SERVICE = ("ClusterName",), ("ClusterName", "ServiceName")
ECS = Namespace("ECS Developer Guide, 'Amazon ECS CloudWatch metrics' (available-metrics.html)", (
    Family(("CPUReservation", "MemoryReservation", "GPUReservation"), sets(_CLUSTER), PERCENT),
    Family(("CPUUtilization", "MemoryUtilization"), sets(_CLUSTER, _SERVICE)),
    Family(("EBSFilesystemUtilization",), sets(_CLUSTER, _SERVICE), PERCENT),
))

# ---- AWS/ApplicationELB -----------------------------------------------------------------------------------------
# ELB Application Load Balancers guide, "CloudWatch metrics for your Application Load Balancer"
# (docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html): load
# balancer metrics by LoadBalancer (and AvailabilityZone); target metrics also by TargetGroup; the health
# counts only with TargetGroup; HTTPCode_ELB_* never with TargetGroup (the load balancer answered itself).
_LB, _LB_AZ = ("LoadBalancer",), ("AvailabilityZone", "LoadBalancer")
_TG, _TG_AZ, _TG_ONLY = ("LoadBalancer", "TargetGroup"), ("AvailabilityZone", "LoadBalancer", "TargetGroup"), \
    ("TargetGroup",)
APPLICATION_ELB = Namespace("ELB guide, 'CloudWatch metrics for your Application Load Balancer' "
                            "(load-balancer-cloudwatch-metrics.html)", (
    Family(("ActiveConnectionCount", "AnomalousHostCount", "ClientTLSNegotiationErrorCount", "ConsumedLCUs",
            "DesyncMitigationMode_NonCompliant_Request_Count", "DroppedInvalidHeaderRequestCount",
            "ELBAuthError", "ELBAuthFailure", "ELBAuthLatency", "ELBAuthRefreshTokenSuccess", "ELBAuthSuccess",
            "ELBAuthUserClaimsSizeExceeded", "ForwardedInvalidHeaderRequestCount", "GrpcRequestCount",
            "HTTP_Fixed_Response_Count", "HTTP_Redirect_Count", "HTTP_Redirect_Url_Limit_Exceeded_Count",
            "HTTPCode_ELB_3XX_Count", "HTTPCode_ELB_4XX_Count", "HTTPCode_ELB_5XX_Count", "HTTPCode_ELB_500_Count",
            "HTTPCode_ELB_502_Count", "HTTPCode_ELB_503_Count", "HTTPCode_ELB_504_Count", "IPv6ProcessedBytes",
            "IPv6RequestCount", "LambdaTargetProcessedBytes", "NewConnectionCount", "NonStickyRequestCount",
            "PeakLCUs", "ProcessedBytes", "RejectedConnectionCount", "RuleEvaluations"), sets(_LB, _LB_AZ)),
    Family(("HTTPCode_Target_2XX_Count", "HTTPCode_Target_3XX_Count", "HTTPCode_Target_4XX_Count",
            "HTTPCode_Target_5XX_Count", "RequestCount", "TargetConnectionErrorCount", "TargetResponseTime",
            "TargetTLSNegotiationErrorCount"), sets(_LB, _LB_AZ, _TG, _TG_AZ)),
    Family(("HealthyHostCount", "UnHealthyHostCount", "HealthyStateDNS", "HealthyStateRouting",
            "UnhealthyRoutingRequestCount", "UnhealthyStateDNS", "UnhealthyStateRouting", "MitigatedHostCount"),
           sets(_TG, _TG_AZ)),
    Family(("RequestCountPerTarget",), sets(_TG_ONLY, _TG, _TG_AZ)),
    Family(("LambdaInternalError", "LambdaUserError"), sets(_TG_ONLY, _TG)),
))

# ---- AWS/RDS -------------------------------------------------------------------------------------------------------
# RDS User Guide, "Amazon CloudWatch metrics for Amazon RDS" (rds-metrics.html) and "Amazon CloudWatch dimensions
# for Amazon RDS" (dimensions.html: DBInstanceIdentifier, DatabaseClass, EngineName, SourceRegion; the console
# also aggregates across all databases and, for Multi-AZ DB clusters, by DBClusterIdentifier).
# RDS Proxy: "Monitoring RDS Proxy metrics with Amazon CloudWatch" (rds-proxy.monitoring.html): dimension set 1
# ProxyName; 2 ProxyName, EndpointName; 3 ProxyName, TargetGroup, Target; 4 ProxyName, TargetGroup, TargetRole.
_DB = sets(("DBInstanceIdentifier",), ("DBClusterIdentifier",), ("DatabaseClass",), ("EngineName",),
           ("SourceRegion",), ())
_P1, _P2 = ("ProxyName",), ("ProxyName", "EndpointName")
_P3, _P4 = ("ProxyName", "TargetGroup", "Target"), ("ProxyName", "TargetGroup", "TargetRole")
RDS = Namespace("RDS User Guide, 'Amazon CloudWatch metrics for Amazon RDS' (rds-metrics.html), 'Amazon "
                "CloudWatch dimensions for Amazon RDS', 'Monitoring RDS Proxy metrics with Amazon CloudWatch' "
                "(rds-proxy.monitoring.html)", (
    Family(("BurstBalance", "CPUUtilization", "EBSByteBalance%", "EBSIOBalance%"), _DB, PERCENT),
    Family(("BinLogDiskUsage", "CheckpointLag", "ConnectionAttempts", "CPUCreditBalance", "CPUCreditUsage",
            "CPUSurplusCreditBalance", "CPUSurplusCreditsCharged", "DatabaseConnections", "DBLoad", "DBLoadCPU",
            "DBLoadNonCPU", "DBLoadRelativeToNumVCPUs", "DiskQueueDepth", "DiskQueueDepthLogVolume",
            "FailedSQLServerAgentJobsCount", "FreeableMemory", "FreeLocalStorage", "FreeStorageSpace",
            "FreeStorageSpaceLogVolume", "MaximumUsedTransactionIDs", "NetworkReceiveThroughput",
            "NetworkTransmitThroughput", "OldestReplicationSlotLag", "ReadIOPS", "ReadIOPSLocalStorage",
            "ReadIOPSLogVolume", "ReadLatency", "ReadLatencyLocalStorage", "ReadLatencyLogVolume", "ReadThroughput",
            "ReadThroughputLocalStorage", "ReadThroughputLogVolume", "ReplicaLag", "ReplicationChannelLag",
            "ReplicationSlotDiskUsage", "SwapUsage", "TransactionLogsDiskUsage", "TransactionLogsGeneration",
            "WriteIOPS", "WriteIOPSLocalStorage", "WriteIOPSLogVolume", "WriteLatency", "WriteLatencyLocalStorage",
            "WriteLatencyLogVolume", "WriteThroughput", "WriteThroughputLocalStorage", "WriteThroughputLogVolume"),
           _DB),
    Family(("AvailabilityPercentage",), sets(_P4), PERCENT),
    Family(("ClientConnections", "ClientConnectionsClosed", "ClientConnectionsNoTLS", "ClientConnectionsReceived",
            "ClientConnectionsSetupFailedAuth", "ClientConnectionsSetupSucceeded", "ClientConnectionsTLS",
            "DatabaseConnectionsBorrowLatency", "QueryRequests", "QueryRequestsNoTLS", "QueryRequestsTLS",
            "QueryResponseLatency"), sets(_P1, _P2)),
    Family(("DatabaseConnectionRequests", "DatabaseConnectionRequestsWithTLS", "DatabaseConnections",
            "DatabaseConnectionsCurrentlyBorrowed", "DatabaseConnectionsCurrentlyInTransaction",
            "DatabaseConnectionsCurrentlySessionPinned", "DatabaseConnectionsSetupFailed",
            "DatabaseConnectionsSetupSucceeded", "DatabaseConnectionsWithTLS", "MaxDatabaseConnectionsAllowed"),
           sets(_P1, _P3, _P4)),
    Family(("QueryDatabaseResponseLatency",), sets(_P1, _P2, _P3, _P4)),
))

# ---- AWS/ElastiCache -----------------------------------------------------------------------------------------------
# ElastiCache User Guide, "Host-level metrics" (CacheMetrics.HostLevel.html) and "Metrics for Valkey and Redis
# OSS" (CacheMetrics.Redis.html): node-based clusters publish by CacheClusterId (a member cluster of a
# replication group, <group>-001 ...) and CacheClusterId with CacheNodeId; the console also aggregates all.
_CACHE = sets(("CacheClusterId",), ("CacheClusterId", "CacheNodeId"), ())
ELASTICACHE = Namespace("ElastiCache User Guide, 'Host-level metrics' and 'Metrics for Valkey and Redis OSS' "
                        "(CacheMetrics.HostLevel.html, CacheMetrics.Redis.html)", (
    Family(("CPUUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage",
            "DatabaseMemoryUsageCountedForEvictPercentage", "DatabaseCapacityUsagePercentage",
            "DatabaseCapacityUsageCountedForEvictPercentage", "CacheHitRate"), _CACHE, PERCENT),
    Family(("ActiveDefragHits", "AuthenticationFailures", "BytesReadIntoMemcached", "BytesUsedForCache",
            "BytesUsedForCacheItems", "BytesUsedForHash", "BytesWrittenOutFromMemcached", "CPUCreditBalance",
            "CPUCreditUsage", "CacheHits", "CacheMisses", "CasBadval", "CasHits", "CasMisses", "CmdConfigGet",
            "CmdConfigSet", "CmdFlush", "CmdGet", "CmdSet", "CmdTouch", "CommandAuthorizationFailures",
            "CurrConfig", "CurrConnections", "CurrItems", "CurrVolatileItems", "DB0AverageTTL", "DecrHits",
            "DecrMisses", "DeleteHits", "DeleteMisses", "EvalBasedCmds", "EvalBasedCmdsLatency", "EvictedUnfetched",
            "Evictions", "ExpiredUnfetched", "FreeableMemory", "GeoSpatialBasedCmds", "GeoSpatialBasedCmdsLatency",
            "GetHits", "GetMisses", "GetTypeCmds", "GetTypeCmdsLatency", "HashBasedCmds", "HashBasedCmdsLatency",
            "HyperLogLogBasedCmds", "HyperLogLogBasedCmdsLatency", "IncrHits", "IncrMisses", "IsMaster",
            "KeyAuthorizationFailures", "KeyBasedCmds", "KeyBasedCmdsLatency", "KeysTracked", "ListBasedCmds",
            "ListBasedCmdsLatency", "MasterLinkHealthStatus", "MemoryFragmentationRatio",
            "NetworkBandwidthInAllowanceExceeded", "NetworkBandwidthOutAllowanceExceeded", "NetworkBytesIn",
            "NetworkBytesOut", "NetworkConntrackAllowanceExceeded", "NetworkLinkLocalAllowanceExceeded",
            "NetworkPacketsIn", "NetworkPacketsOut", "NetworkPacketsPerSecondAllowanceExceeded", "NewConnections",
            "NewItems", "PubSubBasedCmds", "PubSubBasedCmdsLatency", "Reclaimed", "ReplicationBytes",
            "ReplicationLag", "SaveInProgress", "SetBasedCmds", "SetBasedCmdsLatency", "SetTypeCmds",
            "SetTypeCmdsLatency", "SlabsMoved", "SortedSetBasedCmds", "SortedSetBasedCmdsLatency",
            "StreamBasedCmds", "StreamBasedCmdsLatency", "StringBasedCmds", "StringBasedCmdsLatency", "SwapUsage",
            "TouchHits", "TouchMisses", "TrafficManagementActive", "UnusedMemory"), _CACHE),
))

# ---- AWS/Kafka -------------------------------------------------------------------------------------------------------
# MSK Developer Guide, "Amazon MSK metrics for monitoring Standard brokers with CloudWatch" (metrics-details.html):
# DEFAULT-level cluster metrics by "Cluster Name" (with a space), broker metrics by "Cluster Name", "Broker ID";
# consumer lag by "Consumer Group", "Topic" (the current page adds "Cluster Name").  PER_BROKER and
# PER_TOPIC_PER_BROKER metrics are published only when the cluster's enhancedMonitoring is at least that level.
_MSK_CLUSTER, _MSK_BROKER = ("Cluster Name",), ("Cluster Name", "Broker ID")
_MSK_TOPIC = ("Cluster Name", "Broker ID", "Topic")
_MSK_LAG = sets(("Consumer Group", "Topic"), ("Cluster Name", "Consumer Group", "Topic"))
MSK_LEVELS = ("DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION")
KAFKA = Namespace("MSK Developer Guide, 'Amazon MSK metrics for monitoring Standard brokers with CloudWatch' "
                  "(metrics-details.html)", (
    Family(("ActiveControllerCount", "GlobalPartitionCount", "GlobalTopicCount", "OfflinePartitionsCount"),
           sets(_MSK_CLUSTER)),
    Family(("KafkaDataLogsDiskUsed",), sets(_MSK_CLUSTER, _MSK_BROKER), PERCENT),
    Family(("BurstBalance", "CpuIdle", "CpuIoWait", "CpuSystem", "CpuUser", "HeapMemoryAfterGC",
            "KafkaAppLogsDiskUsed", "RootDiskUsed"), sets(_MSK_BROKER), PERCENT),
    Family(("BytesInPerSec", "BytesOutPerSec", "MessagesInPerSec"), sets(_MSK_BROKER, _MSK_TOPIC)),
    Family(("ClientConnectionCount", "ConnectionCount", "CPUCreditBalance", "LeaderCount", "MemoryBuffered",
            "MemoryCached", "MemoryFree", "MemoryUsed", "NetworkRxDropped", "NetworkRxErrors", "NetworkRxPackets",
            "NetworkTxDropped", "NetworkTxErrors", "NetworkTxPackets", "PartitionCount", "ProduceTotalTimeMsMean",
            "RequestBytesMean", "RequestTime", "SwapFree", "SwapUsed", "TrafficShaping",
            "UnderMinIsrPartitionCount", "UnderReplicatedPartitions", "ZooKeeperRequestLatencyMsMean",
            "ZooKeeperSessionState"), sets(_MSK_BROKER, ("Cluster Name", "Broker ID", "Client Authentication"))),
    Family(("EstimatedMaxTimeLag", "MaxOffsetLag", "SumOffsetLag"), _MSK_LAG),
    Family(("NetworkProcessorAvgIdlePercent", "RequestHandlerAvgIdlePercent"), sets(_MSK_BROKER), PERCENT,
           "PER_BROKER"),
    Family(("BwInAllowanceExceeded", "BwOutAllowanceExceeded", "ConnTrackAllowanceExceeded", "ConnectionCloseRate",
            "ConnectionCreationRate", "CpuCreditUsage", "FetchConsumerLocalTimeMsMean",
            "FetchConsumerRequestQueueTimeMsMean", "FetchConsumerResponseQueueTimeMsMean",
            "FetchConsumerResponseSendTimeMsMean", "FetchConsumerTotalTimeMsMean", "FetchFollowerLocalTimeMsMean",
            "FetchFollowerRequestQueueTimeMsMean", "FetchFollowerResponseQueueTimeMsMean",
            "FetchFollowerResponseSendTimeMsMean", "FetchFollowerTotalTimeMsMean", "FetchThrottleByteRate",
            "FetchThrottleQueueSize", "FetchThrottleTime", "PpsAllowanceExceeded", "ProduceLocalTimeMsMean",
            "ProduceMessageConversionsTimeMsMean", "ProduceRequestQueueTimeMsMean",
            "ProduceResponseQueueTimeMsMean", "ProduceResponseSendTimeMsMean", "ProduceThrottleByteRate",
            "ProduceThrottleQueueSize", "ProduceThrottleTime", "ReplicationBytesInPerSec",
            "ReplicationBytesOutPerSec", "RequestExemptFromThrottleTime", "RequestThrottleQueueSize",
            "RequestThrottleTime", "TcpConnections", "TrafficBytes"), sets(_MSK_BROKER), NON_NEGATIVE, "PER_BROKER"),
    Family(("FetchMessageConversionsPerSec", "ProduceMessageConversionsPerSec"), sets(_MSK_BROKER, _MSK_TOPIC),
           NON_NEGATIVE, "PER_BROKER"),
    Family(("EstimatedTimeLag", "OffsetLag"), sets(("Consumer Group", "Partition", "Topic"),
                                                    ("Cluster Name", "Consumer Group", "Partition", "Topic")),
           NON_NEGATIVE, "PER_TOPIC_PER_PARTITION"),
))

# ---- AWS/AmazonMQ --------------------------------------------------------------------------------------------------
# Amazon MQ Developer Guide, "Available CloudWatch metrics for Amazon MQ for ActiveMQ brokers" (Broker: the
# broker name plus -1, or -1 and -2 for an active/standby pair; destinations by Broker and Queue or Topic) and
# "... for RabbitMQ brokers" (Broker: the broker name; nodes by Broker, Node; queues by Broker, VirtualHost, Queue).
_BROKER = ("Broker",)
AMAZON_MQ = Namespace("Amazon MQ Developer Guide, 'Available CloudWatch metrics for Amazon MQ for ActiveMQ "
                      "brokers' and '... for RabbitMQ brokers' (security-logging-monitoring-cloudwatch.html)", (
    Family(("BurstBalance", "CpuUtilization", "HeapUsage", "StorePercentUsage", "TempPercentUsage"),
           sets(_BROKER), PERCENT),
    Family(("CpuCreditBalance", "CurrentConnectionsCount", "EstablishedConnectionsCount",
            "InactiveDurableTopicSubscribersCount", "JournalFilesForFastRecovery", "JournalFilesForFullRecovery",
            "NetworkIn", "NetworkOut", "OpenTransactionCount", "TotalConsumerCount", "TotalMessageCount",
            "TotalProducerCount", "VolumeReadOps", "VolumeWriteOps", "AckRate", "ChannelCount", "ConfirmRate",
            "ConnectionCount", "ExchangeCount", "MessageCount", "MessageReadyCount", "MessageUnacknowledgedCount",
            "PublishRate", "QueueCount", "ConsumerCount"), sets(_BROKER)),
    Family(("MemoryUsage",), sets(("Broker", "Queue"), ("Broker", "Topic")), PERCENT),
    Family(("ConsumerCount", "DequeueCount", "DispatchCount", "EnqueueCount", "EnqueueTime", "ExpiredCount",
            "InFlightCount", "ProducerCount", "QueueSize", "TotalDequeueCount", "TotalEnqueueCount"),
           sets(("Broker", "Queue"), ("Broker", "Topic"))),
    Family(("ReceiveCount",), sets(("Broker", "NetworkConnector"))),
    Family(("SystemCpuUtilization",), sets(("Broker", "Node")), PERCENT),
    Family(("RabbitMQDiskFree", "RabbitMQDiskFreeLimit", "RabbitMQFdUsed", "RabbitMQMemLimit", "RabbitMQMemUsed",
            "RabbitMQIOReadAverageTime", "RabbitMQIOWriteAverageTime"), sets(("Broker", "Node"))),
    Family(("ConsumerCount", "MessageCount", "MessageReadyCount", "MessageUnacknowledgedCount"),
           sets(("Broker", "Queue", "VirtualHost"))),
))

# ---- AWS/ApiGateway ------------------------------------------------------------------------------------------------
# API Gateway Developer Guide, "Amazon API Gateway dimensions and metrics" (REST APIs: ApiName; ApiName, Stage;
# ApiName, Method, Resource, Stage) and "CloudWatch metrics for HTTP APIs" / "for WebSocket APIs" (ApiId;
# ApiId, Stage; ApiId, Stage, Route).
_REST = (("ApiName",), ("ApiName", "Stage"), ("ApiName", "Method", "Resource", "Stage"))
_V2 = (("ApiId",), ("ApiId", "Stage"), ("ApiId", "Route", "Stage"))
API_GATEWAY = Namespace("API Gateway Developer Guide, 'Amazon API Gateway dimensions and metrics' "
                        "(api-gateway-metrics-and-dimensions.html), 'Monitor CloudWatch metrics for HTTP APIs'", (
    Family(("4XXError", "5XXError", "CacheHitCount", "CacheMissCount", "Count", "IntegrationLatency", "Latency"),
           sets(*_REST, *_V2)),
    Family(("4xx", "5xx", "DataProcessed", "ClientError", "ConnectCount", "ExecutionError", "IntegrationError",
            "MessageCount"), sets(*_V2)),
))

# ---- AWS/CloudFront ------------------------------------------------------------------------------------------------
# CloudFront Developer Guide, "Types of metrics for CloudFront" (programming-cloudwatch-metrics.html):
# DistributionId with Region "Global", published in us-east-1 only.
_DISTRIBUTION = ("DistributionId", "Region")
CLOUDFRONT = Namespace("CloudFront Developer Guide, 'Types of metrics for CloudFront' "
                       "(programming-cloudwatch-metrics.html)", (
    Family(("TotalErrorRate", "4xxErrorRate", "5xxErrorRate", "401ErrorRate", "403ErrorRate", "404ErrorRate",
            "502ErrorRate", "503ErrorRate", "504ErrorRate", "CacheHitRate"), sets(_DISTRIBUTION), PERCENT),
    Family(("Requests", "BytesDownloaded", "BytesUploaded", "OriginLatency"), sets(_DISTRIBUTION)),
))

# ---- AWS/EFS ---------------------------------------------------------------------------------------------------------
# EFS User Guide, "Amazon CloudWatch metrics for Amazon EFS" (efs-metrics.html): FileSystemId; StorageBytes also
# by StorageClass; replication by FileSystemId and DestinationFileSystemId.
EFS = Namespace("EFS User Guide, 'Amazon CloudWatch metrics for Amazon EFS' (efs-metrics.html)", (
    Family(("PercentIOLimit", "PercentageOfPermittedThroughputUtilization", "PercentageOfIOPSLimit"),
           sets(("FileSystemId",)), PERCENT),
    Family(("BurstCreditBalance", "ClientConnections", "DataReadIOBytes", "DataWriteIOBytes", "MetadataIOBytes",
            "MetadataReadIOBytes", "MetadataWriteIOBytes", "MeteredIOBytes", "PermittedThroughput",
            "TotalIOBytes"), sets(("FileSystemId",))),
    Family(("StorageBytes",), sets(("FileSystemId", "StorageClass"))),
    Family(("TimeSinceLastSync",), sets(("DestinationFileSystemId", "FileSystemId"))),
))

# ---- AWS/SQS, AWS/SNS, AWS/Lambda, AWS/NATGateway ----------------------------------------------------------------
# SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS" (QueueName);
# SNS Developer Guide, "Monitoring Amazon SNS topics using CloudWatch" (TopicName; SMS metrics by Country,
# SMSType, PhoneNumber or none); Lambda Developer Guide, "Types of metrics for Lambda functions" (FunctionName;
# FunctionName, Resource; FunctionName, Resource, ExecutedVersion; account level none);
# VPC User Guide, "CloudWatch metrics for your NAT gateway" (NatGatewayId).
SQS = Namespace("SQS Developer Guide, 'Available CloudWatch metrics for Amazon SQS'", (
    Family(("ApproximateAgeOfOldestMessage", "ApproximateNumberOfGroupsWithInflightMessages",
            "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesVisible", "NumberOfDeduplicatedSentMessages", "NumberOfEmptyReceives",
            "NumberOfMessagesDeleted", "NumberOfMessagesReceived", "NumberOfMessagesSent", "SentMessageSize"),
           sets(("QueueName",))),
))
SNS = Namespace("SNS Developer Guide, 'Monitoring Amazon SNS topics using CloudWatch'", (
    Family(("NumberOfMessagesPublished", "NumberOfNotificationsDelivered", "NumberOfNotificationsFailed",
            "NumberOfNotificationsFilteredOut", "NumberOfNotificationsFilteredOut-InvalidAttributes",
            "NumberOfNotificationsFilteredOut-InvalidMessageBody",
            "NumberOfNotificationsFilteredOut-NoMessageAttributes", "NumberOfNotificationsFailedToRedriveToDlq",
            "NumberOfNotificationsRedrivenToDlq", "PublishSize"), sets(("TopicName",))),
    Family(("SMSMonthToDateSpentUSD",), sets(())),
    Family(("SMSSuccessRate",), sets(("Country", "SMSType"), ()), PERCENT),
))
LAMBDA = Namespace("Lambda Developer Guide, 'Types of metrics for Lambda functions' (monitoring-metrics-types.html)", (
    Family(("AsyncEventAge", "AsyncEventsDropped", "AsyncEventsReceived", "ConcurrentExecutions",
            "DeadLetterErrors", "DestinationDeliveryFailures", "Duration", "Errors", "Invocations", "IteratorAge",
            "OffsetLag", "OversizedRecordCount", "PostRuntimeExtensionsDuration", "ProvisionedConcurrencyInvocations",
            "ProvisionedConcurrencySpilloverInvocations", "ProvisionedConcurrencyUtilization",
            "ProvisionedConcurrentExecutions", "RecursiveInvocationsDropped", "Throttles"),
           sets((), ("FunctionName",), ("FunctionName", "Resource"), ("ExecutedVersion", "FunctionName", "Resource"))),
    Family(("ClaimedAccountConcurrency", "UnreservedConcurrentExecutions"), sets(())),
))
NAT_GATEWAY = Namespace("VPC User Guide, 'CloudWatch metrics for your NAT gateway' (vpc-nat-gateway-cloudwatch.html)", (
    Family(("ActiveConnectionCount", "BytesInFromDestination", "BytesInFromSource", "BytesOutToDestination",
            "BytesOutToSource", "ConnectionAttemptCount", "ConnectionEstablishedCount", "ErrorPortAllocation",
            "IdleTimeoutCount", "PacketsDropCount", "PacketsInFromDestination", "PacketsInFromSource",
            "PacketsOutToDestination", "PacketsOutToSource", "PeakBytesPerSecond", "PeakPacketsPerSecond"),
           sets(("NatGatewayId",))),
))

NAMESPACES: dict[str, Namespace] = {
    "AWS/ECS": ECS, "AWS/ApplicationELB": APPLICATION_ELB, "AWS/RDS": RDS, "AWS/ElastiCache": ELASTICACHE,
    "AWS/Kafka": KAFKA, "AWS/AmazonMQ": AMAZON_MQ, "AWS/ApiGateway": API_GATEWAY, "AWS/CloudFront": CLOUDFRONT,
    "AWS/EFS": EFS, "AWS/SQS": SQS, "AWS/SNS": SNS, "AWS/Lambda": LAMBDA, "AWS/NATGateway": NAT_GATEWAY,
}


def families(namespace: str, metric: str) -> list[Family]:
    """The families of ``namespace`` that hold ``metric`` ([] when the namespace does not publish it)."""
    known = NAMESPACES.get(namespace)
    return [] if known is None else [f for f in known.families if metric in f.metrics]


def dimension_sets(namespace: str, metric: str) -> set[frozenset]:
    return {s for f in families(namespace, metric) for s in f.dimension_sets}


def bounds(namespace: str, metric: str) -> Bounds:
    """The value range of a metric (the widest its families give; unbounded when unknown)."""
    found = [f.bounds for f in families(namespace, metric)]
    if not found:
        return (None, None)
    lows = [b[0] for b in found]
    highs = [b[1] for b in found]
    return (None if None in lows else min(lows), None if None in highs else max(highs))
