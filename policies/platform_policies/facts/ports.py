"""Ports clients use to reach AWS services inside a VPC, and the ephemeral ports their replies return to.

The program opens these ports (security group rules of the data, messaging and network tiers) and the pack's
network-path rules check that they are open along every wire, so both read this one table.  Read 2026-12-07:

* RDS: the engine's default port unless the instance sets ``port`` (RDS API reference, CreateDBInstance
  ``Port``: "RDS for PostgreSQL - 5432", MySQL and MariaDB 3306, SQL Server 1433, Oracle 1521, Db2 50000).
* RDS Proxy: always the default port of its engine family; a custom database port is not reflected (RDS user
  guide, "Limitations for RDS Proxy").
* ElastiCache: 6379 for Redis OSS and Valkey, 11211 for Memcached unless ``port`` says otherwise (ElastiCache API
  reference, CreateReplicationGroup ``Port``; ElastiCache user guide, "Finding connection endpoints").
* Amazon MSK: plaintext 9092, TLS 9094, SASL/SCRAM 9096, IAM 9098 inside the VPC (MSK developer guide,
  "Port information").
* Amazon MQ for ActiveMQ: OpenWire ``ssl://`` 61617, AMQP 5671, STOMP 61614, MQTT 8883, WSS 61619; RabbitMQ:
  AMQPS 5671 (Amazon MQ developer guide, "Amazon MQ for ActiveMQ brokers" and "Amazon MQ for RabbitMQ
  brokers", listener ports).
* Amazon EFS: NFS on TCP 2049 to the mount target (EFS user guide, "Using VPC security groups").
* Interface VPC endpoints: HTTPS, TCP 443, to the endpoint's network interfaces (AWS PrivateLink guide, "Access
  an AWS service using an interface VPC endpoint", security groups).
* Ephemeral ports: network ACLs are stateless, so replies need a rule for the client's ephemeral ports, chosen
  by the client: many Linux kernels 32768-61000, Elastic Load Balancing, NAT gateways and Lambda 1024-65535,
  Windows Server 2008 and later 49152-65535; AWS suggests 1024-65535 to cover every client (Amazon VPC user
  guide, "Control subnet traffic with network access control lists", "Ephemeral ports").
"""

from __future__ import annotations

from typing import Optional

POSTGRES_PORT = 5432
RDS_ENGINE_PORTS = {"postgres": 5432, "aurora-postgresql": 5432, "mysql": 3306, "mariadb": 3306,
                    "aurora-mysql": 3306, "sqlserver": 1433, "oracle": 1521, "db2": 50000}
RDS_PROXY_PORTS = {"POSTGRESQL": 5432, "MYSQL": 3306, "SQLSERVER": 1433}

REDIS_PORT = 6379
ELASTICACHE_ENGINE_PORTS = {"redis": 6379, "valkey": 6379, "memcached": 11211}

MSK_PLAINTEXT_PORT, MSK_TLS_PORT, MSK_SCRAM_PORT, MSK_IAM_PORT = 9092, 9094, 9096, 9098
MSK_PORTS = (MSK_PLAINTEXT_PORT, MSK_TLS_PORT, MSK_SCRAM_PORT, MSK_IAM_PORT)

MQ_OPENWIRE_PORT, MQ_AMQP_PORT, MQ_STOMP_PORT, MQ_MQTT_PORT, MQ_WSS_PORT = 61617, 5671, 61614, 8883, 61619
MQ_ENGINE_PORTS = {"ACTIVEMQ": (MQ_OPENWIRE_PORT, MQ_AMQP_PORT, MQ_STOMP_PORT, MQ_MQTT_PORT, MQ_WSS_PORT),
                   "RABBITMQ": (MQ_AMQP_PORT,)}

NFS_PORT = 2049
HTTPS_PORT = 443

EPHEMERAL_ANY_CLIENT = (1024, 65535)
EPHEMERAL_LINUX = (32768, 61000)
EPHEMERAL_WINDOWS = (49152, 65535)


def rds_port(engine: Optional[str], port: Optional[int]) -> Optional[int]:
    """The port an RDS instance listens on: its own ``port``, else its engine's default (None if unknown)."""
    if port:
        return port
    return RDS_ENGINE_PORTS.get((engine or "").lower())


def msk_ports(iam: bool, scram: bool, tls: bool, plaintext: bool) -> tuple[int, ...]:
    """The in-VPC listener ports an MSK cluster offers for the client authentication and encryption it enables."""
    chosen = [(iam, MSK_IAM_PORT), (scram, MSK_SCRAM_PORT), (tls, MSK_TLS_PORT), (plaintext, MSK_PLAINTEXT_PORT)]
    return tuple(port for enabled, port in chosen if enabled)
