"""Webhook intake: verify, deduplicate, persist, enqueue, answer fast."""
