"""CloudWatch Logs retention values PutRetentionPolicy accepts (CloudWatch Logs API reference, read 2026-11)."""

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                      1096, 1827, 2192, 2557, 2922, 3288, 3653)
