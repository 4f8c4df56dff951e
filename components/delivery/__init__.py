"""Delivery tier: a CodePipeline and CodeBuild project per service, their artifact bucket and source connection (delivery.py)."""
