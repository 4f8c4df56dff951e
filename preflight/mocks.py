"""Pulumi mocks that answer like AWS would, and a monitor that records the graph.

``PlatformMocks`` gives every resource a realistic id and the outputs other
tiers read (ARNs, DNS names, endpoints, subnet ids, KMS key ids, the Private CA's
CSR and certificate).  It mimics Pulumi auto-naming (logical name + "-" + 7
characters) so name-length rules see what AWS would see; with ``preview=True`` it
answers like a first ``pulumi preview`` instead (preflight/preview.py).
``RecordingMonitor`` keeps every RegisterResource request in engine form
(camelCase property names, secrets and unknowns as the engine's signature
objects) with its options and the SDK's package version, and the stack outputs.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import threading
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import unquote, urlparse

from google.protobuf import json_format
from platform_policies.facts.zones import REGION_ZONE_IDS, zone_prefix
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

# A made-up account (digits of pi), deliberately not one of the AWS documentation accounts
# (123456789012, 111122223333): the pack's no-placeholder-values flags those in any input.
ACCOUNT = "314159265358"

# Engine signature keys (sdk/go/common/resource/sig).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _h(*parts: str, n: int = 17) -> str:
    return hashlib.sha1("/".join(parts).encode()).hexdigest()[:n]


def reveal(value: Any) -> Any:
    """``value`` with the engine's secret wrappers (``{SIG_KEY: SECRET_SIG, "value": v}``) replaced by
    their plaintext, at any depth.

    The SDK hands a mock a secret input in that wrapper; the outputs a mock derives from inputs
    (ARNs, DNS names, validation records) are computed from the plaintext, as AWS computes them
    from the decrypted value.  The echoed inputs keep their wrappers, so their secrecy survives."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG and "value" in value:
            return reveal(value["value"])
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def autoname(name: str) -> str:
    """Pulumi's auto-name: logical name + '-' + 7 random characters (stable here)."""
    return f"{name}-{_h(name, n=7)}"


# type token -> (arn service, arn resource prefix, id prefix)
_ARN = {
    "aws:ec2/vpc:Vpc": ("ec2", "vpc/", "vpc-"),
    "aws:ec2/subnet:Subnet": ("ec2", "subnet/", "subnet-"),
    "aws:ec2/securityGroup:SecurityGroup": ("ec2", "security-group/", "sg-"),
    "aws:ec2/natGateway:NatGateway": ("ec2", "natgateway/", "nat-"),
    "aws:ec2/eip:Eip": ("ec2", "elastic-ip/", "eipalloc-"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("ec2", "vpc-endpoint/", "vpce-"),
    "aws:ec2/networkAcl:NetworkAcl": ("ec2", "network-acl/", "acl-"),
    "aws:ec2/flowLog:FlowLog": ("ec2", "vpc-flow-log/", "fl-"),
    "aws:ec2/routeTable:RouteTable": ("ec2", "route-table/", "rtb-"),
    "aws:ec2/internetGateway:InternetGateway": ("ec2", "internet-gateway/", "igw-"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("ec2", "security-group-rule/", "sgr-"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("ec2", "security-group-rule/", "sgr-"),
    "aws:efs/fileSystem:FileSystem": ("elasticfilesystem", "file-system/", "fs-"),
    "aws:efs/accessPoint:AccessPoint": ("elasticfilesystem", "access-point/", "fsap-"),
    "aws:efs/mountTarget:MountTarget": ("elasticfilesystem", "mount-target/", "fsmt-"),
    "aws:kms/key:Key": ("kms", "key/", ""),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ("servicediscovery", "namespace/", "ns-"),
    "aws:servicediscovery/httpNamespace:HttpNamespace": ("servicediscovery", "namespace/", "ns-"),
    "aws:apigateway/restApi:RestApi": ("apigateway", "/restapis/", ""),
    "aws:apigateway/vpcLink:VpcLink": ("apigateway", "/vpclinks/", ""),
    "aws:apigatewayv2/vpcLink:VpcLink": ("apigateway", "/vpclinks/", ""),
    "aws:cloudfront/distribution:Distribution": ("cloudfront", "distribution/", "E"),
}


# Properties the provider's Check fills in (auto-naming), so a preview already knows them.
AUTONAMED = ("name", "identifier", "bucket", "replicationGroupId", "brokerName", "clusterName")


def _uuid(*parts: str) -> str:
    h = _h(*parts, n=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _pem(kind: str, *parts: str) -> str:
    """A PEM-shaped placeholder (the body is not a real DER structure)."""
    body = (_h(kind, *parts, n=40) * 4)[:64]
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"


class PlatformMocks(Mocks):
    """Realistic ids, ARNs and outputs for the resources the platform creates.

    ``preview=True`` answers like a first ``pulumi preview`` of a new stack: no id and only what
    the provider echoes from the inputs (plus the names its Check fills in), so every computed
    output - ids, ARNs, endpoints - is unknown to the program and to what it builds from them.
    """

    def __init__(self, region: str = "us-east-1", preview: bool = False):
        self.region = region
        self.preview = preview
        # Explicit providers' regions by provider id: a resource created through one (CloudFront's us-east-1
        # companions) gets ARNs of that region, as AWS would give it.
        self._provider_regions: dict[str, str] = {}
        # Region of the resource being created (_arn's default).  Per thread: the SDK registers resources from
        # an executor's threads, so two creations can interleave.
        self._creating = threading.local()

    # ---- helpers ----
    def _arn(self, service: str, resource: str, region: Optional[str] = None) -> str:
        reg = region or getattr(self._creating, "region", None) or self.region
        # API Gateway ARNs carry no account id (arn:aws:apigateway:<region>::/restapis/...).
        account = "" if service == "apigateway" else ACCOUNT
        return f"arn:aws:{service}:{reg}:{account}:{resource}"

    def _azs(self, n: int) -> list[str]:
        return [f"{self.region}{c}" for c in "abcdef"[:n]]

    def new_resource(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        rid, state = self._created(args)
        if not self.preview:
            return rid, state
        inputs = dict(args.inputs)
        echoed = {k: v for k, v in state.items() if k in inputs}
        if args.typ.startswith("aws:"):
            echoed.update({k: state[k] for k in AUTONAMED if k in state and k not in inputs})
        return "", echoed  # an empty id is an unknown id to the SDK

    def _created(self, args: MockResourceArgs) -> tuple[Optional[str], dict]:
        """(id, outputs) of the resource once created."""
        t, name = args.typ, args.name
        state: dict[str, Any] = dict(args.inputs)   # echoed as given, secrets still wrapped
        inputs = reveal(dict(args.inputs))           # what the derived outputs are computed from
        phys = inputs.get("name") or autoname(name)
        rid = f"{name}-{_h(t, name, n=8)}"
        provider_id = str(getattr(args, "provider", "") or "").rsplit("::", 1)[-1]
        region = inputs.get("region") or self._provider_regions.get(provider_id) or self.region
        if t == "pulumi:providers:aws" and isinstance(inputs.get("region"), str):
            self._provider_regions[rid] = inputs["region"]
        self._creating.region = region
        try:
            return self._created_in(args, t, name, inputs, phys, state, rid, region)
        finally:
            self._creating.region = None

    def _created_in(self, args: MockResourceArgs, t: str, name: str, inputs: dict, phys: str, state: dict,
                    rid: str, region: str) -> tuple[Optional[str], dict]:
        """_created's body, run with the resource's region set for _arn."""
        if t == "aws:kms/key:Key":
            rid = _uuid(t, name)  # KMS key ids are UUIDs; aliases and grants take them
            state.update({"keyId": rid, "arn": self._arn("kms", f"key/{rid}", region)})
        elif t in _ARN:
            svc, prefix, idp = _ARN[t]
            rid = f"{idp}{_h(t, name)}" if idp else _h(t, name, n=10)
            state["arn"] = self._arn(svc, f"{prefix}{rid}", region)
        elif t == "awsx:ec2:Vpc":
            n = int(inputs.get("numberOfAvailabilityZones") or len(inputs.get("availabilityZoneNames") or []) or 3)
            azs = inputs.get("availabilityZoneNames") or self._azs(n)
            vpc_id = f"vpc-{_h(t, name)}"
            pub = [f"subnet-{_h(name, 'public', az)}" for az in azs]
            priv = [f"subnet-{_h(name, 'private', az)}" for az in azs]
            # Only outputs: several awsx inputs (natGateways, subnetSpecs) have other types as outputs.
            return f"{name}-vpc", {"vpcId": vpc_id, "publicSubnetIds": pub, "privateSubnetIds": priv,
                                   "isolatedSubnetIds": [], "natGateways": [], "eips": [], "subnets": [],
                                   "routeTables": [], "routes": [], "routeTableAssociations": [],
                                   "vpcEndpoints": [], "subnetLayout": []}
        elif t == "aws:lb/loadBalancer:LoadBalancer":
            arn_suffix = f"app/{phys}/{_h(t, name, n=16)}"
            state.update({"arn": self._arn("elasticloadbalancing", f"loadbalancer/{arn_suffix}"),
                          "arnSuffix": arn_suffix, "dnsName": f"{phys}-{_h(name, n=9)}.{self.region}.elb.amazonaws.com",
                          "zoneId": "Z35SXDOTRQ7X7K", "name": phys})
            rid = state["arn"]
        elif t == "aws:lb/targetGroup:TargetGroup":
            arn_suffix = f"targetgroup/{phys}/{_h(t, name, n=16)}"
            state.update({"arn": self._arn("elasticloadbalancing", arn_suffix), "arnSuffix": arn_suffix, "name": phys})
            rid = state["arn"]
        elif t == "aws:lb/listener:Listener":
            state["arn"] = self._arn("elasticloadbalancing", f"listener/app/{name}/{_h(t, name, n=16)}")
            rid = state["arn"]
        elif t == "aws:lb/listenerRule:ListenerRule":
            state["arn"] = self._arn("elasticloadbalancing",
                                     f"listener-rule/app/{name}/{_h(t, name, n=16)}/{_h(name, n=16)}")
            rid = state["arn"]
        elif t == "aws:ecs/cluster:Cluster":
            state.update({"arn": self._arn("ecs", f"cluster/{phys}"), "name": phys})
            rid = state["arn"]
        elif t == "aws:ecs/taskDefinition:TaskDefinition":
            fam = inputs.get("family") or phys
            state.update({"arn": self._arn("ecs", f"task-definition/{fam}:1"), "revision": 1,
                          "arnWithoutRevision": self._arn("ecs", f"task-definition/{fam}")})
            rid = state["arn"]
        elif t == "aws:ecs/service:Service":
            state.update({"name": phys, "arn": self._arn("ecs", f"service/{phys}")})
            rid = state["arn"]
        elif t == "aws:iam/role:Role":
            state.update({"arn": f"arn:aws:iam::{ACCOUNT}:role/{phys}", "name": phys, "uniqueId": f"AROA{_h(name).upper()}"})
            rid = phys
        elif t == "aws:iam/policy:Policy":
            state.update({"arn": f"arn:aws:iam::{ACCOUNT}:policy/{phys}", "name": phys})
            rid = state["arn"]
        elif t == "aws:cloudwatch/logGroup:LogGroup":
            state.update({"arn": self._arn("logs", f"log-group:{phys}"), "name": phys})
            rid = phys
        elif t == "aws:cloudwatch/metricAlarm:MetricAlarm":
            state.update({"arn": self._arn("cloudwatch", f"alarm:{phys}"), "name": phys})
            rid = phys
        elif t == "aws:sns/topic:Topic":
            state.update({"arn": self._arn("sns", phys), "name": phys})
            rid = state["arn"]
        elif t == "aws:secretsmanager/secret:Secret":
            state.update({"arn": self._arn("secretsmanager", f"secret:{phys}-{_h(name, n=6)}"), "name": phys})
            rid = state["arn"]
        elif t == "aws:ecr/repository:Repository":
            state.update({"arn": self._arn("ecr", f"repository/{phys}"), "name": phys,
                          "repositoryUrl": f"{ACCOUNT}.dkr.ecr.{self.region}.amazonaws.com/{phys}",
                          "registryId": ACCOUNT})
            rid = phys
        elif t == "aws:s3/bucket:Bucket" or t == "aws:s3/bucketV2:BucketV2":
            bucket = inputs.get("bucket") or phys
            state.update({"arn": f"arn:aws:s3:::{bucket}", "bucket": bucket,
                          "bucketDomainName": f"{bucket}.s3.amazonaws.com",
                          "bucketRegionalDomainName": f"{bucket}.s3.{self.region}.amazonaws.com"})
            rid = bucket
        elif t == "aws:rds/instance:Instance":
            ident = inputs.get("identifier") or phys
            addr = f"{ident}.c{_h(name, n=10)}.{self.region}.rds.amazonaws.com"
            state.update({"arn": self._arn("rds", f"db:{ident}"), "identifier": ident, "address": addr,
                          "endpoint": f"{addr}:5432", "port": inputs.get("port") or 5432,
                          "resourceId": f"db-{_h(name, n=26).upper()}"})
            if inputs.get("manageMasterUserPassword"):
                state["masterUserSecrets"] = [{"secretArn": self._arn("secretsmanager", f"secret:rds!db-{_h(name, n=36)}"),
                                               "secretStatus": "active", "kmsKeyId": ""}]
            rid = ident
        elif t == "aws:rds/proxy:Proxy":
            # The proxy's resource id (prx-...) is the last field of its ARN (RDS API DBProxy.DBProxyArn).
            pname = inputs.get("name") or phys
            state.update({"arn": self._arn("rds", f"db-proxy:prx-{_h(name, n=17)}"), "name": pname,
                          "endpoint": f"{pname}.proxy-c{_h(name, n=10)}.{self.region}.rds.amazonaws.com"})
            rid = pname
        elif t == "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
            state.update({"name": "default", "arn": self._arn("rds", f"target-group:prx-tg-{_h(name, n=17)}")})
            rid = inputs.get("dbProxyName") or phys
        elif t == "aws:elasticache/replicationGroup:ReplicationGroup":
            gid = inputs.get("replicationGroupId") or phys
            state.update({"arn": self._arn("elasticache", f"replicationgroup:{gid}"),
                          "primaryEndpointAddress": f"master.{gid}.{_h(name, n=6)}.use1.cache.amazonaws.com",
                          "readerEndpointAddress": f"replica.{gid}.{_h(name, n=6)}.use1.cache.amazonaws.com",
                          "port": inputs.get("port") or 6379})
            rid = gid
        elif t == "aws:msk/cluster:Cluster":
            cname = inputs.get("clusterName") or phys
            n = int(inputs.get("numberOfBrokerNodes") or 3)
            brokers = [f"b-{i + 1}.{cname}.{_h(name, n=6)}.c2.kafka.{self.region}.amazonaws.com" for i in range(n)]
            # Like MSK: the 9094 (TLS) listener serves mTLS or unauthenticated clients only, so a
            # cluster with IAM as its only client authentication has no TLS bootstrap string.
            auth = inputs.get("clientAuthentication") or {}
            tls_listener = not auth or bool(auth.get("tls")) or bool(auth.get("unauthenticated"))
            state.update({"arn": self._arn("kafka", f"cluster/{cname}/{_h(name, n=8)}-{_h(t, n=4)}"),
                          "bootstrapBrokersTls": ",".join(f"{b}:9094" for b in brokers) if tls_listener else "",
                          "bootstrapBrokersSaslIam": ",".join(f"{b}:9098" for b in brokers),
                          "zookeeperConnectString": "", "clusterName": cname})
            rid = state["arn"]
        elif t == "aws:msk/configuration:Configuration":
            state.update({"arn": self._arn("kafka", f"configuration/{phys}/{_h(name, n=8)}"), "latestRevision": 1})
            rid = state["arn"]
        elif t == "aws:mq/broker:Broker":
            bid = f"b-{_h(name, n=8)}-{_h(t, name, n=4)}"
            n = 2 if inputs.get("deploymentMode") == "ACTIVE_STANDBY_MULTI_AZ" else 1
            state.update({"arn": self._arn("mq", f"broker:{phys}:{bid}"), "brokerName": inputs.get("brokerName") or phys,
                          "instances": [{"consoleUrl": f"https://{bid}-{i + 1}.mq.{self.region}.amazonaws.com:8162",
                                         "ipAddress": "",
                                         "endpoints": [f"ssl://{bid}-{i + 1}.mq.{self.region}.amazonaws.com:61617",
                                                       f"amqp+ssl://{bid}-{i + 1}.mq.{self.region}.amazonaws.com:5671"]}
                                        for i in range(n)]})
            rid = bid
        elif t == "aws:apigateway/stage:Stage":
            api = inputs.get("restApi") or "api"
            stage = inputs.get("stageName") or "v1"
            state.update({"invokeUrl": f"https://{api}.execute-api.{self.region}.amazonaws.com/{stage}",
                          "arn": self._arn("apigateway", f"/restapis/{api}/stages/{stage}"),
                          "executionArn": self._arn("execute-api", f"{api}/{stage}")})
        elif t == "aws:wafv2/webAcl:WebAcl":
            scope = inputs.get("scope", "REGIONAL")
            where = "global" if scope == "CLOUDFRONT" else "regional"
            state["arn"] = self._arn("wafv2", f"{where}/webacl/{phys}/{_h(name)}",
                                     "us-east-1" if scope == "CLOUDFRONT" else region)
        elif t == "aws:acm/certificate:Certificate":
            state["arn"] = self._arn("acm", f"certificate/{_h(t, name, n=8)}-{_h(name, n=4)}", region)
            domains = [inputs.get("domainName"), *(inputs.get("subjectAlternativeNames") or [])]
            state["domainValidationOptions"] = [
                {"domainName": d, "resourceRecordName": f"_{_h(d, n=32)}.{d}.", "resourceRecordType": "CNAME",
                 "resourceRecordValue": f"_{_h(name, d, n=32)}.acm-validations.aws."} for d in domains if d]
            state["status"] = "PENDING_VALIDATION"
            rid = state["arn"]
        elif t == "aws:route53/record:Record":
            state["fqdn"] = str(inputs.get("name") or "").rstrip(".")
        elif t == "aws:cloudfront/vpcOrigin:VpcOrigin":
            rid = f"vo_{_h(t, name, n=22)}"
            state["arn"] = f"arn:aws:cloudfront::{ACCOUNT}:vpcorigin/{rid}"
        elif t == "aws:acmpca/certificateAuthority:CertificateAuthority":
            state["arn"] = self._arn("acm-pca", f"certificate-authority/{_uuid(t, name)}")
            # A new CA waits for its certificate: ACM PCA hands out the CSR to sign (GetCertificateAuthorityCsr).
            state.update({"certificateSigningRequest": _pem("CERTIFICATE REQUEST", name),
                          "status": "PENDING_CERTIFICATE", "certificate": "", "certificateChain": ""})
            rid = state["arn"]
        elif t == "aws:acmpca/certificate:Certificate":
            ca = inputs.get("certificateAuthorityArn") or self._arn("acm-pca", "certificate-authority/unknown")
            state["arn"] = f"{ca}/certificate/{_h(t, name, n=32)}"
            # A self-signed root certificate has no chain above it: GetCertificate returns none.
            state.update({"certificate": _pem("CERTIFICATE", name), "certificateChain": ""})
            rid = state["arn"]
        elif t.startswith("aws:") and t != "pulumi:providers:aws":
            state.setdefault("arn", self._arn(t.split(":")[1].split("/")[0], f"{name}/{_h(t, name)}"))

        if t == "aws:cloudfront/distribution:Distribution":
            state.update({"domainName": f"d{_h(name, n=13)}.cloudfront.net", "hostedZoneId": "Z2FDTNDATAQYW2"})
        if t == "aws:apigateway/restApi:RestApi":
            state.update({"rootResourceId": _h(name, n=10), "executionArn": self._arn("execute-api", rid)})
        if t.startswith("aws:") and "name" not in state and t not in ("pulumi:providers:aws",):
            state["name"] = phys
        state.setdefault("id", rid)
        return rid, state

    def call(self, args: MockCallArgs) -> tuple[dict, Optional[list[tuple[str, str]]]]:
        tok, a = args.token, args.args
        if tok == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availability_zones(a.get("region") or self.region, a), []
        if tok == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "userId": "AIDA", "id": ACCOUNT}, []
        if tok in ("aws:index/getRegion:getRegion",):
            return {"name": self.region, "region": self.region, "id": self.region,
                    "endpoint": f"ec2.{self.region}.amazonaws.com", "description": ""}, []
        if tok == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        if tok == "aws:iam/getPolicyDocument:getPolicyDocument":
            doc = {"Version": "2012-10-17", "Statement": [
                {k[:1].upper() + k[1:]: v for k, v in st.items()} for st in a.get("statements", [])]}
            return {"json": json.dumps(doc), "minifiedJson": json.dumps(doc, separators=(",", ":")), "id": "doc"}, []
        if tok == "aws:secretsmanager/getRandomPassword:getRandomPassword":
            length = int(a.get("passwordLength") or 32)
            return {"randomPassword": (_h(tok, str(length), n=40) * 4)[:length], "id": "random"}, []
        if tok == "aws:ec2/getSecurityGroup:getSecurityGroup":
            # CloudFront-VPCOrigins-Service-SG and the like: looked up by name in the VPC.
            names = [v for f in a.get("filters") or [] if f.get("name") == "group-name" for v in f.get("values", [])]
            name = (names or [a.get("name") or "sg"])[0]
            return {"id": f"sg-{_h(tok, name, n=17)}", "name": name, "arn": self._arn("ec2", "security-group/sg"),
                    "vpcId": a.get("vpcId", ""), "description": "", "tags": {}}, []
        if tok == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            return {"id": "pl-63a5400a", "name": a.get("name", ""), "entries": []}, []
        return {}, []


# ---- getAvailabilityZones: the zones of one made-up account ------------------------------------------------
# Older accounts map AZ names to zone IDs independently ("AZ IDs", AWS Regions and Availability Zones guide).
# This account maps name i to the region's zone ID i+1 (the last name to az1), so in us-east-1 the first three
# names are use1-az2, use1-az3 and use1-az4: choosing by name alone lands in use1-az3.
_DIRECTIONS = ("north", "south", "east", "west", "central")


def _prefix(region: str) -> str:
    """The region's AZ-ID prefix: tabled, else derived the way AWS forms them (ap-northeast-1 -> apne1)."""
    tabled = zone_prefix(region)
    if tabled:
        return tabled
    area, *words, number = region.split("-")
    letters = ""
    for word in words:
        while word:
            head = next((d for d in _DIRECTIONS if word.startswith(d)), word)
            letters, word = letters + head[0], word[len(head):]
    return f"{area}{letters}{number}"


def account_zones(region: str) -> list[dict[str, str]]:
    """Every zone the mock account knows in ``region``, as DescribeAvailabilityZones describes them."""
    ids = REGION_ZONE_IDS.get(region) or tuple(f"{_prefix(region)}-az{i}" for i in (1, 2, 3))
    zones = [{"name": f"{region}{letter}", "zoneId": ids[(i + 1) % len(ids)], "state": "available",
              "optInStatus": "opt-in-not-required", "zoneType": "availability-zone", "groupName": region}
             for i, letter in enumerate("abcdefgh"[:len(ids)])]
    if region == "us-east-1":  # a Local Zone the account has not opted in to (listed only with allAvailabilityZones)
        zones.append({"name": "us-east-1-bos-1a", "zoneId": "use1-bos1-az1", "state": "available",
                      "optInStatus": "not-opted-in", "zoneType": "local-zone", "groupName": "us-east-1-bos-1"})
    return zones


_ZONE_FILTERS = {"opt-in-status": "optInStatus", "state": "state", "zone-id": "zoneId", "zone-name": "name",
                 "zone-type": "zoneType", "group-name": "groupName", "region-name": "region"}


def availability_zones(region: str, args: dict[str, Any]) -> dict[str, Any]:
    """getAvailabilityZones as AWS and the provider answer it: DescribeAvailabilityZones (opted-in zones unless
    allAvailabilityZones; ``state`` and ``filters``, values OR-ed with * wildcards, filters AND-ed; an unknown
    filter name is refused), sorted by name, then excludeNames and excludeZoneIds dropped (terraform-provider-aws
    ec2_availability_zones_data_source.go)."""
    zones = [{**z, "region": region} for z in account_zones(region)]
    if not args.get("allAvailabilityZones"):
        zones = [z for z in zones if z["optInStatus"] in ("opt-in-not-required", "opted-in")]
    filters = list(args.get("filters") or [])
    if args.get("state"):
        filters.insert(0, {"name": "state", "values": [args["state"]]})
    for f in filters:
        key = _ZONE_FILTERS.get(f.get("name"))
        if key is None:
            raise ValueError(f"InvalidParameterValue: The filter '{f.get('name')}' is invalid")
        zones = [z for z in zones if any(fnmatch.fnmatchcase(z[key], v) for v in f.get("values") or [])]
    zones.sort(key=lambda z: z["name"])
    drop_names, drop_ids = set(args.get("excludeNames") or ()), set(args.get("excludeZoneIds") or ())
    zones = [z for z in zones if z["name"] not in drop_names and z["zoneId"] not in drop_ids]
    return {"names": [z["name"] for z in zones], "zoneIds": [z["zoneId"] for z in zones],
            "groupNames": sorted({z["groupName"] for z in zones}), "id": region}


def _engine_value(v: Any) -> Any:
    """Replace resource references by their id/urn (the engine passes plain values)."""
    if isinstance(v, dict):
        if v.get(SIG_KEY) == RESOURCE_SIG:
            return v.get("id") or v.get("urn")
        if v.get(SIG_KEY) == OUTPUT_SIG:
            if "value" not in v:
                return UNKNOWN
            inner = _engine_value(v["value"])
            return {SIG_KEY: SECRET_SIG, "value": inner} if v.get("secret") else inner
        return {k: _engine_value(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_engine_value(x) for x in v]
    return v


REPO_ROOT = Path(__file__).resolve().parent.parent


def source_position(request: Any) -> Optional[dict[str, Any]]:
    """Where the program created the resource: {"path" (relative to the repository), "line"}.

    The SDK sends the caller's position (``sourcePosition``) and stack (``stackTrace``);
    the first of them inside the repository wins, so a resource made inside a component
    points at the component's line, not at the SDK, a library or preflight (the root stack,
    which preflight's runner makes, has none: its position would change with every edit)."""
    positions = [request.sourcePosition] + [f.pc for f in request.stackTrace.frames]
    for pos in positions:
        if not pos.uri.startswith("file://"):
            continue
        path = Path(unquote(urlparse(pos.uri).path))
        try:
            rel = path.relative_to(REPO_ROOT)
        except ValueError:
            continue
        if "site-packages" not in rel.parts and rel.parts[0] not in ("venv", "preflight"):
            return {"path": rel.as_posix(), "line": int(pos.line)}
    return None


def _timeouts(request) -> Optional[dict[str, str]]:
    """The ``customTimeouts`` option as given (Go duration strings such as "45m"), None when unset."""
    if not request.HasField("customTimeouts"):
        return None
    given = {k: getattr(request.customTimeouts, k) for k in ("create", "update", "delete")}
    return {k: v for k, v in given.items() if v} or None


class RecordingMonitor(MockMonitor):
    """MockMonitor that keeps every registration in engine form."""

    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.records: list[dict[str, Any]] = []
        self.stack_outputs: dict[str, Any] = {}
        self.stack_urn: Optional[str] = None
        self._states: dict[str, dict] = {}
        self.on_record: Optional[Callable[[dict[str, Any]], None]] = None   # each record as it is made

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        resp = super().RegisterResource(request)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = urn
        inputs = _engine_value(json_format.MessageToDict(request.object))
        reg = self.resources.get(urn)
        # The SDK gathers dependencies in sets, so their order changes from run to run (hash seeds);
        # it means nothing to the engine.  Sorted, the same program records the same plan.
        prop_deps = {k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())}
        self.records.append({
            "urn": urn,
            "type": request.type,
            "name": request.name,
            "parent": request.parent or None,
            "inputs": inputs,
            "custom": bool(request.custom),
            "remote": bool(request.remote),
            "id": reg.id if reg else None,
            "dependencies": sorted(request.dependencies),
            "propertyDependencies": prop_deps,
            "protect": bool(request.protect),
            "provider": request.provider or "",
            "retainOnDelete": bool(request.retainOnDelete),
            "ignoreChanges": list(request.ignoreChanges),
            "deleteBeforeReplace": (bool(request.deleteBeforeReplace)
                                    if request.deleteBeforeReplaceDefined else None),
            "additionalSecretOutputs": list(request.additionalSecretOutputs),
            "replaceOnChanges": list(request.replaceOnChanges),
            "customTimeouts": _timeouts(request),
            "version": request.version or None,  # the SDK's package version: picks the default provider
            "aliases": self._alias_urns(request),
            "source": source_position(request),
        })
        if self.on_record is not None:
            self.on_record(self.records[-1])
        return resp

    def _alias_urns(self, request) -> list[str]:
        """Old URNs this resource answers to (``aliases`` option), as the engine computes them from
        alias specs: an unset name, type or parent means the resource's own."""
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urns.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name))
        return urns

    def RegisterResourceOutputs(self, request):  # noqa: N802
        if self.stack_urn is not None and request.urn == self.stack_urn:
            self.stack_outputs = _engine_value(json_format.MessageToDict(request.outputs))
        return super().RegisterResourceOutputs(request)

