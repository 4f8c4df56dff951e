"""support/graph.py: rules that decide from the resource graph when a value is unknown (a first preview)."""

from __future__ import annotations

from pulumi_policy import PolicyProviderResource

from test_policies_support import U_LIST, U_STR, check, check_stack, stack_args, urn, wire

from platform_policies.rules import cloudfront, efs, msk
from platform_policies.support import azs, graph

VPC, SUBNET, SG = "awsx:ec2:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup"
MSK, ACL, DIST = msk.MSK_CLUSTER, "aws:wafv2/webAcl:WebAcl", cloudfront.DISTRIBUTION
MSK_MULTI_AZ = msk.validate_msk_multi_az  # stack validators (per_resource): the graph decides unknown ids
CDN_REGIONS = cloudfront.validate_cloudfront_us_east_1


def kafka(subnets, brokers=6, deps=("net", "sg")) -> dict:
    return {"type": MSK, "name": "kafka", "deps": {"brokerNodeGroupInfo": [urn(VPC if d == "net" else SG, d)
                                                                           for d in deps]},
            "props": {"numberOfBrokerNodes": brokers, "brokerNodeGroupInfo": {"clientSubnets": subnets}}}


def vpc(props: dict) -> dict:
    return {"type": VPC, "name": "net", "props": props}


def sg() -> dict:
    return {"type": SG, "name": "sg", "props": {}}


def test_msk_multi_az_decides_from_the_vpc_when_subnets_are_unknown():
    two_azs = vpc({"availabilityZoneNames": ["us-east-1a", "us-east-1b"]})
    found = check_stack(MSK_MULTI_AZ, [two_azs, sg(), kafka(U_LIST)], config={"minAzs": 3})
    assert found == [("brokerNodeGroupInfo.clientSubnets come from a VPC spanning 2 AZ(s); at least 3 (one per AZ) "
                      "required.", urn(MSK, "kafka"))]
    three_azs = vpc({"numberOfAvailabilityZones": 3})
    assert check_stack(MSK_MULTI_AZ, [three_azs, sg(), kafka(U_LIST)], config={"minAzs": 3}) == []
    assert check_stack(MSK_MULTI_AZ, [vpc({}), sg(), kafka(U_LIST)], config={"minAzs": 3}) == [], "awsx default: 3"
    assert check_stack(MSK_MULTI_AZ, [sg(), kafka(U_LIST, deps=("sg",))], config={"minAzs": 3}) == [], \
        "no subnet source in the graph: nothing to decide"
    # known subnets: judged as before, also in the stack pass
    assert check_stack(MSK_MULTI_AZ, [two_azs, kafka(["s1", "s2"])], config={"minAzs": 3})
    assert check(msk.validate_msk_multi_az, MSK, {"numberOfBrokerNodes": 6,
                                                  "brokerNodeGroupInfo": {"clientSubnets": U_LIST}},
                 config={"minAzs": 3}) == [], "without graph (a resource pass) an unknown stays undecided"


def test_a_vpc_with_children_counts_its_subnets_azs():
    """Under the real engine the awsx Vpc's props are its outputs; its child subnets carry the AZs."""
    net = vpc({"vpcId": U_STR})
    children = [{"type": SUBNET, "name": f"net-{az}", "parent": urn(VPC, "net"),
                 "props": {"availabilityZone": f"us-east-1{az}"}} for az in "ab"]
    found = check_stack(MSK_MULTI_AZ, [net, *children, sg(), kafka(U_LIST)], config={"minAzs": 3})
    assert len(found) == 1 and "spanning 2 AZ(s)" in found[0][0]
    unknown_az = [{**children[0], "props": {"availabilityZone": U_STR}}, children[1]]
    assert check_stack(MSK_MULTI_AZ, [net, *unknown_az, sg(), kafka(U_LIST)], config={"minAzs": 4}) == [], \
        "an unknown AZ: undecided (not the awsx default of 3)"
    assert check_stack(MSK_MULTI_AZ, [vpc({"availabilityZoneNames": U_LIST}), sg(), kafka(U_LIST)],
                       config={"minAzs": 4}) == []


def test_one_az_count_of_an_awsx_vpc():
    """support/azs.vpc_az_count, the count every availability rule uses: children, names, count, awsx default."""
    def count(props: dict, children: tuple = ()) -> object:
        resources = [vpc(props), *({"type": SUBNET, "name": f"net-{i}", "parent": urn(VPC, "net"),
                                    "props": {"availabilityZone": az}} for i, az in enumerate(children))]
        args = stack_args(resources)
        return azs.vpc_az_count(args.resources[0], azs.stack_azs(args.resources))

    assert count({"availabilityZoneNames": ["us-east-1a", "us-east-1b"]}) == 2
    assert count({"numberOfAvailabilityZones": 2}) == 2
    assert count({}) == azs.AWSX_DEFAULT_AZS == 3
    assert count({"availabilityZoneNames": U_LIST}) is azs.UNKNOWN, "names given but unknown: not the default"
    assert count({"availabilityZoneNames": U_LIST, "numberOfAvailabilityZones": 2}) == 2
    assert count({"numberOfAvailabilityZones": 3}, children=("us-east-1a", "us-east-1a", "us-east-1b")) == 2, \
        "the children (real engine) win over the inputs"
    assert count({"numberOfAvailabilityZones": 3}, children=("us-east-1a", U_STR)) is azs.UNKNOWN


def test_efs_counts_the_awsx_default_when_the_vpc_states_no_azs():
    fs = {"type": "aws:efs/fileSystem:FileSystem", "name": "fs", "props": {}}
    mounts = [{"type": "aws:efs/mountTarget:MountTarget", "name": f"mt{i}", "props": {"subnetId": U_STR}}
              for i in range(2)]
    service = {"type": "aws:ecs/service:Service", "name": "svc", "deps": {"networkConfiguration": [urn(VPC, "net")]},
               "props": {"networkConfiguration": {"subnets": [U_STR, U_STR, U_STR]}}}
    found = check_stack(efs.validate_efs_mount_targets, [vpc({}), fs, *mounts, service])
    assert [m for m, _ in found] == ["Services span 3 AZs but the file system has 2 mount target(s) (one per AZ at "
                                     "most): tasks in the other AZs cannot mount it."]


def distribution(deps: dict) -> dict:
    return {"type": DIST, "name": "cdn", "deps": deps,
            "props": {"webAclId": U_STR, "viewerCertificate": {"acmCertificateArn": U_STR}}}


def test_cloudfront_decides_from_the_web_acl_and_certificate_regions():
    acl = {"type": ACL, "name": "waf", "props": {"scope": "CLOUDFRONT", "region": "eu-west-1"}}
    cert = {"type": "aws:acm/certificate:Certificate", "name": "cert", "props": {"region": "us-east-1"}}
    found = check_stack(CDN_REGIONS, [acl, cert, distribution({"webAclId": [urn(ACL, "waf")],
                                                               "viewerCertificate": [urn(cert["type"], "cert")]})])
    assert [m for m, _ in found] == ["webAclId is a web ACL in eu-west-1; CloudFront needs a CLOUDFRONT-scope web ACL "
                                     "in us-east-1."]
    assert check_stack(CDN_REGIONS, [acl, distribution({})]) == [], "no graph edge: undecided"


def test_producer_region_comes_from_the_provider_when_the_resource_sets_none():
    args = stack_args([{"type": ACL, "name": "waf", "props": {"scope": "CLOUDFRONT"}},
                       distribution({"webAclId": [urn(ACL, "waf")]})])
    waf, cdn = args.resources
    waf.provider = PolicyProviderResource("pulumi:providers:aws", wire({"region": "us-east-1"}), "urn:p", "default")
    found: list = []
    CDN_REGIONS(args, lambda m, u=None: found.append(m))
    assert found == []
    waf.provider = PolicyProviderResource("pulumi:providers:aws", wire({"region": "ap-south-1"}), "urn:p", "default")
    CDN_REGIONS(args, lambda m, u=None: found.append(m))
    assert found and "ap-south-1" in found[0]
    view = graph.ResourceView(cdn, args, {r.urn: r for r in args.resources})
    assert graph.producer_regions(view, "webAclId", (ACL,)) == {"ap-south-1"}
    assert graph.producers(view, "viewerCertificate") == []
