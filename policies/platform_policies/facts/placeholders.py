"""Values only an example uses: nobody owns them, so a stack that names one fails half-way or alerts nobody."""

# Account ids of the AWS documentation's examples: 123456789012 throughout, 111122223333 and 444455556666
# in the IAM and API Gateway guides (e.g. API Gateway developer guide, "Set up a private integration",
# read 2026-11).
DOCUMENTATION_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666"})

# Reserved for documentation (RFC 2606: section 3 example.com/.net/.org, section 2 the .example TLD).
# .test, .invalid and .localhost are reserved for other uses and are not matched.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example",)
