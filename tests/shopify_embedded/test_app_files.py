"""``shopify.app.toml`` and the admin link extension name what the app really serves: every URL is a route of the
wired app (or its webhook intake, which accepts a signed delivery of every topic listed), the scopes and API version
are the connector's own settings, the topics those it subscribes at install plus the compliance ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import NotFound

from platforms.shopify.settings import ShopifySettings
from platforms.shopify.webhooks import COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS
from tests.shopify_embedded.conftest import API_SECRET, SHOP

APP_DIR = Path(__file__).resolve().parents[2] / "platforms" / "shopify" / "shopify-app"
EXTENSION = APP_DIR / "extensions" / "order-returns"


def app_toml() -> dict[str, Any]:
    return tomllib.loads((APP_DIR / "shopify.app.toml").read_text())


def extension_toml() -> dict[str, Any]:
    return tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())


def endpoint(app: Flask, path: str, method: str = "GET") -> str:
    """The endpoint ``path`` reaches in the app, or "" when none does."""
    try:
        found, _ = app.url_map.bind("returns.example.com").match(path, method=method)
    except NotFound:
        return ""
    return str(found)


def relative(url: str, application_url: str) -> str:
    """A TOML URL as the path the app receives (relative ones are joined to application_url's path)."""
    parts = urlsplit(url)
    if parts.scheme:
        assert parts.netloc == urlsplit(application_url).netloc, url
    return parts.path


def test_the_app_url_redirect_url_app_proxy_and_admin_link_are_routes_of_the_app(app: Flask) -> None:
    config = app_toml()
    base = config["application_url"]
    assert config["embedded"] is True
    assert endpoint(app, relative(base, base)) == "shopify_embedded.home"
    for url in config["auth"]["redirect_urls"]:
        assert endpoint(app, relative(url, base)) == "shopify_install.callback"
    proxy = config["app_proxy"]
    assert endpoint(app, f"{proxy['url']}/", "POST") == endpoint(app, f"{proxy['url']}/o/x") == \
        "shopify_proxy.through_proxy"
    assert (proxy["prefix"], proxy["subpath"]) == ("apps", "returns")
    [extension] = extension_toml()["extensions"]
    assert extension["type"] == "admin_link" and extension["name"] == "t:name"
    [target] = extension["targeting"]
    assert target["target"] == "admin.order-details.action.link"
    assert endpoint(app, relative(target["url"], base)) == "shopify_embedded.order_returns"


def test_the_admin_link_is_named_in_english_and_french() -> None:
    names = {path.name: json.loads(path.read_text())["name"] for path in (EXTENSION / "locales").glob("*.json")}
    assert names == {"en.default.json": "Returns", "fr.json": "Retours"}


def test_scopes_and_api_version_are_the_connectors_own() -> None:
    config = app_toml()
    settings = ShopifySettings()
    assert config["access_scopes"]["scopes"].split(",") == list(settings.scopes)
    assert config["access_scopes"]["use_legacy_install_flow"] is False
    assert config["webhooks"]["api_version"] == settings.api_version


def test_the_webhook_topics_are_those_subscribed_at_install_and_the_compliance_ones() -> None:
    subscriptions = app_toml()["webhooks"]["subscriptions"]
    topics = [t for s in subscriptions for t in s.get("topics", ())]
    compliance = [t for s in subscriptions for t in s.get("compliance_topics", ())]
    assert sorted(topics) == sorted(SUBSCRIBED_TOPICS)
    assert sorted(compliance) == sorted(COMPLIANCE_TOPICS)


def _delivery(topic: str, event: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": 1, "domain": SHOP, "shop_domain": SHOP, "shop_id": 1}).encode()
    signature = base64.b64encode(hmac.new(API_SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": signature, "X-Shopify-Shop-Domain": SHOP,
                  "X-Shopify-Event-Id": event, "X-Shopify-Webhook-Id": event, "Content-Type": "application/json"}


@pytest.mark.usefixtures("installed")
def test_every_topic_listed_is_delivered_to_the_intake_and_stored(client: FlaskClient) -> None:
    for number, subscription in enumerate(app_toml()["webhooks"]["subscriptions"]):
        path = relative(subscription["uri"], app_toml()["application_url"])
        for topic in (*subscription.get("topics", ()), *subscription.get("compliance_topics", ())):
            body, headers = _delivery(topic, f"event-{number}-{topic}")
            answer = client.post(path, data=body, headers=headers)
            assert (answer.status_code, answer.get_json()["code"]) == (200, "accepted"), (topic, answer.get_json())
    body, headers = _delivery("products/create", "event-other")
    assert client.post("/webhooks/shopify", data=body, headers=headers).get_json()["code"] == "ignored"
