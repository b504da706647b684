"""Webhooks: subscriptions to the event log, delivered signed, once per subscription in `seq` order."""
