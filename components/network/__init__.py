"""Network tier: the awsx VPC (public and private subnets per AZ, NAT gateways), VPC endpoints, flow logs and network ACLs (network.py)."""
