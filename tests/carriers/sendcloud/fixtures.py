"""Shared pieces of the Sendcloud adapter's tests: an adapter on ``responses``, a request, documented bodies."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import responses

from carriers.sendcloud.adapter import SendcloudCarrier
from carriers.sendcloud.client import SendcloudClient
from carriers.sendcloud.ratelimit import TokenBucket
from carriers.sendcloud.settings import SendcloudSettings
from connector.domain.shipping import LabelRequest, PackingLine, Parcel, PostalAddress
from tests.carriers.sendcloud import oas

BASE = "https://panel.sendcloud.sc/api"
V3 = f"{BASE}/v3"
RETURNS = "sendcloud-v3-returns-openapi.yml"
POINTS = "sendcloud-v3-service-points-openapi.yml"
DOCS_V3 = "sendcloud-v3-parcel-documents-openapi.yml"
DOCS_V2 = "sendcloud-v2-parcel-documents-openapi.yml"
WEBHOOKS = "sendcloud-v3-webhooks-openapi.yml"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 a label"
SECRET = "secretkey"


class Sleeps(list[float]):
    """Records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def unlimited() -> tuple[TokenBucket, TokenBucket]:
    return TokenBucket(capacity=1000, rate=1000), TokenBucket(capacity=1000, rate=1000)


def carrier(sleeps: Sleeps | None = None, **settings: Any) -> SendcloudCarrier:
    wait = sleeps if sleeps is not None else Sleeps()
    client = SendcloudClient("public", "secret", base_url=BASE, sleep=wait, buckets=unlimited())
    section = {"option_code": "dpd:return/return", "contract": 123456, "announce_polls": 1, **settings}
    built = {name: section.pop(name) for name in ("pickup",) if name in section}  # already-built values
    options = replace(SendcloudSettings.from_section(section), **built)
    return SendcloudCarrier(client, options, SECRET, clock=lambda: NOW, sleep=wait)


def label_request(method: str = "prepaid_label") -> LabelRequest:
    return LabelRequest(
        return_id="R7F3A9C21B04D",
        idempotency_key="label:R7F3A9C21B04D:1",
        sender=PostalAddress("Jeanne C.", "Rue X", "75011", "Paris", "FR", house_number="5", email="j@example.com"),
        recipient=PostalAddress("Entrepôt", "ZA Y", "69000", "Lyon", "FR", company="Boutique"),
        parcel=Parcel(weight_grams=400),
        method=method,
        lines=(PackingLine("T-Shirt XL", 1),),
    )


def documented_return(**changes: Any) -> dict[str, Any]:
    """The Return object of the v3 list example (``sc-public-v3-scp-get-returns_get_returns``), changed."""
    listed = oas.example(RETURNS, "/returns", "get", "200", "Success")
    item: dict[str, Any] = copy.deepcopy(listed["data"][0])
    item.update(changes)
    return item


def validate_sent(rsps: responses.RequestsMock) -> list[str]:
    """Every request sent, validated against the descriptions; the names of the files that served them."""
    return oas.validate_all(call.request for call in rsps.calls)
