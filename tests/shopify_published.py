"""Every Shopify GraphQL request the suite sends is checked against Shopify's published Admin schema.

Two places see them:

* ``GraphQLClient`` (platforms/shopify/client.py: every adapter call, answered by ``responses`` or by a
  sandbox): the body it is about to send, serialised as it goes out, is validated (document) and coerced
  (variables);
* the sandbox's GraphQL endpoint, also in subprocesses (the demo), through ``SHOPIFY_SANDBOX_PUBLISHED_SCHEMA``
  set here for the whole run: it refuses a request the published schema refuses (see
  ``sandboxes/shopify/published.py``), so requests sent by other code (the demo's customer) count too.

A request that does not validate fails the test that sent it. The schema file follows the pinned API version
(``ShopifySettings.api_version``): pinning another version needs that version's file next to this one's.
Imported into ``tests/conftest.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest

from platforms.shopify import client as shopify_client
from platforms.shopify.settings import ShopifySettings
from sandboxes.shopify import published

PUBLISHED_DIR: Final = Path(__file__).resolve().parent / "fixtures" / "shopify" / "published"
PINNED_VERSION: Final = ShopifySettings().api_version


def schema_path(version: str = PINNED_VERSION) -> Path:
    """``admin_<version>.json.gz`` from ``@shopify/dev-mcp`` (see the README next to it)."""
    return PUBLISHED_DIR / f"admin_{version}.json.gz"


@cache
def client_checker() -> published.RequestChecker:
    return published.RequestChecker(published.load(str(schema_path())))


def pytest_configure(config: pytest.Config) -> None:
    """Before any sandbox starts (in this process or a child): sandboxes check against the pinned version."""
    os.environ.setdefault(published.ENV_VAR, str(schema_path()))


@pytest.fixture(autouse=True)
def shopify_requests_match_published_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails the test when a request it sent (through the client, or to an in-process sandbox) is invalid, or
    when an in-process sandbox published a webhook body unlike Shopify's documented ones."""
    refused: list[str] = []
    original = shopify_client.GraphQLClient._once

    def checked(self: shopify_client.GraphQLClient, document: str, body: Any, *, mutation: bool) -> Any:
        sent = json.loads(json.dumps(body, default=shopify_client._decimal_as_string))
        problems = client_checker().problems(sent["query"], sent.get("variables"), sent.get("operationName"))
        if problems:
            refused.append(f"{published.operation_label(sent['query'])}: {'; '.join(problems)}")
        return original(self, document, body, mutation=mutation)

    monkeypatch.setattr(shopify_client.GraphQLClient, "_once", checked)
    _check_sandbox_webhook_bodies(monkeypatch, refused)
    already = len(published.REFUSED)
    yield refused
    refused.extend(published.REFUSED[already:])
    if refused:
        pytest.fail("Shopify's published schemas refuse what this test sent:\n" + "\n".join(refused))


def _check_sandbox_webhook_bodies(monkeypatch: pytest.MonkeyPatch, refused: list[str]) -> None:
    """Every webhook body an in-process sandbox publishes must have Shopify's documented shape."""
    from sandboxes.shopify.webhooks import Dispatcher
    from tests.shopify_webhook_schemas import body_problems  # imports this module: only once both are loaded

    original = Dispatcher.publish

    def checked(self: Dispatcher, topic: str, payload: dict[str, Any], uri: str | None = None) -> str | None:
        refused.extend(f"sandbox webhook {problem}" for problem in body_problems(topic, payload))
        return original(self, topic, payload, uri)

    monkeypatch.setattr(Dispatcher, "publish", checked)
