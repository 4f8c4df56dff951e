"""Tags the program writes and the pack reads."""

# A load generator (components/loadtest/): left at desiredCount 0 it is idle, no outage to survive and no
# hours to price; the pack exempts it from the task floor only at 0, so the tag cannot lower a real
# service's count.  The other two tags say how one run is priced.
LOAD_TEST_TAG = ("workload", "load-test")
TASKS_PER_RUN_TAG = "load-test-tasks-per-run"
MINUTES_PER_RUN_TAG = "load-test-minutes-per-run"

# A stage of a stack that leaves API Gateway's account-level CloudWatch role to another stack of the same
# account and region (edge.manageApiGatewayAccount false): the pack cannot see the other stack.
SHARED_ACCOUNT_ROLE_TAG = ("api-gateway-account-role", "shared")
