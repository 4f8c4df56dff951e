"""Data tier (data.py): RDS PostgreSQL per owning service (database.py), ElastiCache (cache.py) and the shared EFS file system (efs.py)."""
