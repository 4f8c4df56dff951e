"""Messaging tier (messaging.py): Amazon MSK (kafka.py) and Amazon MQ for ActiveMQ (mq.py)."""
