"""Create the connector's webhooks in a shop, idempotently.

Listing first and matching on ``(delivery_url, topic)`` makes a second run (a reconnect, a retry after a
crash) create nothing new. A match we did not create, or whose secret we lost, is re-armed with ``PUT``
(``secret`` is write-only in ``view`` context, so we cannot read it back; we set ours). A webhook Woo
``disabled`` after repeated failures is set ``active`` again.

Creating a webhook makes Woo POST an unsigned ping to ``delivery_url`` synchronously, so this must not run
inside the wc-auth callback request (Woo deletes the key unless that request answers 200 promptly).
"""

from __future__ import annotations

import secrets as _secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from platforms.woocommerce.client import WooClient
from platforms.woocommerce.webhooks import ORDER_TOPICS

WEBHOOK_NAME_PREFIX = "Returns connector"


def new_webhook_secret() -> str:
    """48 hex chars: alphanumeric, because Woo passes the secret through ``wp_specialchars_decode``."""
    return _secrets.token_hex(24)


@dataclass(frozen=True, slots=True)
class WebhookSetup:
    ids: list[str]
    created: list[str]
    updated: list[str]


def _same_url(a: Any, b: str) -> bool:
    return isinstance(a, str) and a.rstrip("/") == b.rstrip("/")


def ensure_webhooks(
    client: WooClient, delivery_url: str, secret: str, topics: Sequence[str] = ORDER_TOPICS
) -> WebhookSetup:
    """Make sure one active webhook per topic points at ``delivery_url`` and is signed with ``secret``."""
    existing: dict[str, dict[str, Any]] = {}
    for hook in client.paginate("webhooks"):
        if isinstance(hook, dict) and _same_url(hook.get("delivery_url"), delivery_url):
            topic = str(hook.get("topic"))
            existing.setdefault(topic, hook)
    ids: list[str] = []
    created: list[str] = []
    updated: list[str] = []
    for topic in topics:
        hook = existing.get(topic)
        if hook is None:
            made = client.post(
                "webhooks",
                {
                    "name": f"{WEBHOOK_NAME_PREFIX}: {topic}",
                    "topic": topic,
                    "delivery_url": delivery_url,
                    "secret": secret,
                    "status": "active",
                },
            )
            ids.append(str(made["id"]))
            created.append(str(made["id"]))
            continue
        hook_id = str(hook["id"])
        client.put(f"webhooks/{hook_id}", {"secret": secret, "status": "active"})
        ids.append(hook_id)
        updated.append(hook_id)
    return WebhookSetup(ids, created, updated)
