"""ARN partition of a region."""


def partition_of(region: str) -> str:
    """aws-cn for China, aws-us-gov for GovCloud, else aws (AWS General Reference, "ARN format")."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
