"""Budget tier: the AWS Budgets monthly budget with forecast alerts (budget.py)."""
