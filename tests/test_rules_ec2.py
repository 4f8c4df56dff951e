"""EC2/VPC rules: descriptions, egress, flow logs, default security group, attachment, NACLs, accepted values."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn
from platform_policies.rules import ec2

SG, IN, OUT = ec2.SECURITY_GROUP, ec2.INGRESS_RULE, ec2.EGRESS_RULE
AWSX, FLOW, DSG, NACL, VPCE = ec2.AWSX_VPC, ec2.FLOW_LOG, ec2.DEFAULT_SECURITY_GROUP, ec2.NETWORK_ACL, ec2.VPC_ENDPOINT


def test_descriptions():
    v = ec2.validate_security_group_descriptions
    assert check(v, SG, {"description": "Order service tasks"}) == []
    assert check(v, SG, {})  # provider default "Managed by Pulumi"
    assert check(v, SG, {"description": "x", "ingress": [{"protocol": "tcp", "fromPort": 1, "toPort": 1}]})
    assert check(v, IN, {"description": "HTTPS from the ALB"}) == []
    assert check(v, OUT, {})


def test_unrestricted_egress():
    v = ec2.validate_no_unrestricted_egress
    assert check(v, OUT, {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}) == []
    assert check(v, OUT, {"ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"})
    assert check(v, OUT, {"ipProtocol": "-1", "cidrIpv4": "10.0.0.0/16"}) == []
    assert check(v, SG, {"egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]})


def _vpc_with(*extra):
    return [{"type": AWSX, "name": "vpc", "props": {}}, *extra]


def test_flow_logs_and_default_group():
    flow = {"type": FLOW, "name": "fl", "props": {}, "deps": {"vpcId": [urn(AWSX, "vpc")]}}
    dsg = {"type": DSG, "name": "dsg", "props": {}, "deps": {"vpcId": [urn(AWSX, "vpc")]}}
    assert check_stack(ec2.validate_vpc_flow_logs, _vpc_with(flow)) == []
    assert check_stack(ec2.validate_vpc_flow_logs, _vpc_with())
    assert check_stack(ec2.validate_default_security_group, _vpc_with(dsg)) == []
    assert check_stack(ec2.validate_default_security_group, _vpc_with())
    open_dsg = {**dsg, "props": {"ingress": [{"protocol": "-1", "self": True}]}}
    assert check_stack(ec2.validate_default_security_group, _vpc_with(open_dsg))


def test_security_groups_attached():
    used = [{"type": SG, "name": "sg", "props": {}},
            {"type": "aws:rds/instance:Instance", "name": "db", "props": {},
             "deps": {"vpcSecurityGroupIds": [urn(SG, "sg")]}}]
    assert check_stack(ec2.validate_security_groups_attached, used) == []
    lonely = [{"type": SG, "name": "sg", "props": {}},
              {"type": IN, "name": "rule", "props": {}, "deps": {"securityGroupId": [urn(SG, "sg")]}}]
    assert check_stack(ec2.validate_security_groups_attached, lonely)


def _acl(*ingress, subnets=("s-1",)):
    return {"subnetIds": list(subnets), "ingress": [
        {"ruleNo": n, "protocol": p, "action": a, "cidrBlock": c, "fromPort": lo, "toPort": hi}
        for n, p, a, c, lo, hi in ingress]}


def test_nacl_ingress():
    v = ec2.validate_nacl_ingress
    good = _acl((100, "tcp", "allow", "0.0.0.0/0", 443, 443), (130, "tcp", "allow", "0.0.0.0/0", 1024, 65535))
    assert check(v, NACL, good) == []
    assert check(v, NACL, _acl((100, "-1", "allow", "0.0.0.0/0", 0, 0)))
    assert check(v, NACL, _acl((100, "tcp", "allow", "0.0.0.0/0", 22, 22)))
    assert check(v, NACL, _acl((90, "tcp", "deny", "0.0.0.0/0", 22, 22),
                               (100, "tcp", "allow", "0.0.0.0/0", 22, 80))) == []
    assert check(v, NACL, _acl((100, "tcp", "allow", "10.0.0.0/16", 22, 22), subnets=()))
    # The internet split in halves is still the internet (a prefix shorter than /8 by default) ...
    halves = _acl((100, "tcp", "allow", "0.0.0.0/1", 22, 22), (101, "tcp", "allow", "128.0.0.0/1", 22, 22))
    assert check(v, NACL, halves)
    assert check(v, NACL, _acl((100, "-1", "allow", "0.0.0.0/1", 0, 0)))
    assert check(v, NACL, _acl((100, "tcp", "allow", "10.0.0.0/8", 22, 22))) == []
    # ... and denying one half leaves the other open; denying the whole internet first settles the port.
    assert check(v, NACL, _acl((90, "tcp", "deny", "0.0.0.0/1", 22, 22), (100, "tcp", "allow", "0.0.0.0/0", 22, 22)))


def test_security_group_values():
    v = ec2.validate_security_group_values
    good = {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "10.0.0.0/16", "description": "HTTPS"}
    assert check(v, IN, good) == []
    assert check(v, IN, {**good, "referencedSecurityGroupId": "sg-1"})  # two peers
    assert check(v, IN, {**good, "cidrIpv4": "10.0.0.1/16"})  # host bits set
    assert check(v, IN, {**good, "fromPort": 8443, "toPort": 443})
    assert check(v, IN, {**good, "ipProtocol": "-1"})
    assert check(v, IN, {**good, "description": "HTTPS <from> ALB"})
    assert check(v, SG, {"name": "sg-orders"})


def test_network_values():
    v = ec2.validate_network_values
    assert check(v, FLOW, {"maxAggregationInterval": 600, "logDestinationType": "cloud-watch-logs",
                           "iamRoleArn": "arn:aws:iam::1:role/r", "trafficType": "ALL"}) == []
    assert check(v, FLOW, {"maxAggregationInterval": 300, "iamRoleArn": "r"})
    assert check(v, FLOW, {"logDestinationType": "cloud-watch-logs"})
    region = {"region": "us-east-1"}
    gw = {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.us-east-1.s3"}
    assert check(v, VPCE, gw, provider_props=region) == []
    assert check(v, VPCE, {**gw, "serviceName": "com.amazonaws.eu-west-1.s3"}, provider_props=region)
    assert check(v, VPCE, {**gw, "subnetIds": ["s-1"]})
    assert check(v, NACL, {"ingress": [{"ruleNo": 40000, "protocol": "tcp", "fromPort": 1, "toPort": 2}]})


def test_nacl_rule_numbers_are_unique_per_direction():
    v = ec2.validate_network_values
    entry = {"ruleNo": 100, "protocol": "tcp", "fromPort": 443, "toPort": 443, "action": "allow",
             "cidrBlock": "0.0.0.0/0"}
    assert check(v, NACL, {"ingress": [entry, {**entry, "ruleNo": 110}], "egress": [entry]}) == []
    assert check(v, NACL, {"ingress": [entry, {**entry, "fromPort": 80, "toPort": 80}]})


def test_nacl_cidrs_are_networks():
    v = ec2.validate_network_values
    entry = {"ruleNo": 100, "protocol": "tcp", "fromPort": 443, "toPort": 443, "action": "allow",
             "cidrBlock": "10.0.0.0/16"}
    v6 = {**{k: x for k, x in entry.items() if k != "cidrBlock"}, "ruleNo": 110, "ipv6CidrBlock": "2001:db8::/32"}
    assert check(v, NACL, {"ingress": [entry, v6], "egress": [entry]}) == []
    for bad in ({**entry, "cidrBlock": "10.0.0.0/99"}, {**entry, "cidrBlock": "10.0.0.1/16"},
                {**entry, "cidrBlock": "2001:db8::/32"}, {**v6, "ipv6CidrBlock": "10.0.0.0/8"}):
        assert check(v, NACL, {"egress": [bad]}), bad
    rule = ec2.NETWORK_ACL_RULE
    standalone = {"networkAclId": "acl-1", "ruleNumber": 120, "protocol": "tcp", "ruleAction": "allow",
                  "cidrBlock": "10.0.0.0/16", "fromPort": 443, "toPort": 443}
    assert check(v, rule, standalone) == []
    assert check(v, rule, {**standalone, "cidrBlock": "10.0.0.0/99"})
    assert check(v, rule, {**standalone, "ruleNumber": 32767})


VPC_PROPS = {"availabilityZoneNames": ["us-east-1a", "us-east-1b"], "cidrBlock": "10.0.0.0/16",
             "natGateways": {"strategy": "OnePerAz"},
             "subnetSpecs": [{"name": "public", "type": "Public", "cidrBlocks": ["10.0.128.0/22", "10.0.132.0/22"]},
                             {"name": "private", "type": "Private", "cidrBlocks": ["10.0.0.0/19", "10.0.32.0/19"]}]}


def test_awsx_vpc_values():
    v = ec2.validate_awsx_vpc_values
    assert check(v, AWSX, VPC_PROPS) == []
    assert check(v, AWSX, {**VPC_PROPS, "natGateways": {"strategy": "None"}})
    assert check(v, AWSX, {"natGateways": {"strategy": "None"}})  # default specs include Private subnets
    isolated = [{"name": "isolated", "type": "Isolated"}]
    assert check(v, AWSX, {**VPC_PROPS, "natGateways": {"strategy": "None"}, "subnetSpecs": isolated}) == []
    specs = VPC_PROPS["subnetSpecs"]
    overlap = [specs[0], {**specs[1], "cidrBlocks": ["10.0.0.0/16"]}]
    assert check(v, AWSX, {**VPC_PROPS, "subnetSpecs": overlap})
    outside = [specs[0], {**specs[1], "cidrBlocks": ["10.9.0.0/19", "10.0.32.0/19"]}]
    assert check(v, AWSX, {**VPC_PROPS, "subnetSpecs": outside})
    assert check(v, AWSX, {**VPC_PROPS, "availabilityZoneNames": ["us-east-1a", "eu-west-1b"]},
                 provider_props={"region": "us-east-1"})
    assert check(v, AWSX, {**VPC_PROPS, "availabilityZoneNames": ["us-east-1a", "us-east-1a", "eu-west-1b"]})
    assert check(v, AWSX, {**VPC_PROPS, "availabilityZoneNames": ["eu-west-1a", "eu-west-1b"]},
                 provider_props={"region": "us-east-1"})
    assert check(v, AWSX, VPC_PROPS, provider_props={"region": "us-east-1"}) == []
