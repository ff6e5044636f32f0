"""Webhook intake: verify, deduplicate, persist, enqueue, answer fast, for every platform alike.

Each request is matched to a shop and checked through the platform's ``connector.webhook_source.WebhookSource``
(handed over by its provider), written to the inbox in a group commit, and answered; the worker does the rest.
``webhooks.wsgi`` answers deliveries in front of the Flask app; the wiring layer (``wiring.app``) puts it there.
Carriers' tracking webhooks (``POST /carriers/<carrier>/tracking/<shop_id>``) go the same way through
``webhooks.tracking``: verified by the shop's carrier account, stored, answered; the worker moves the return.

What it may import: ``connector`` only (the providers, webhook sources, config and store). Never a platform
(it asks the providers), the wiring layer, the demo or the sandboxes (import-linter contracts in pyproject.toml).
"""
