"""What the sandbox shops recorded, read from their introspection endpoints."""

from __future__ import annotations

from typing import Any

import requests


def raw_records(shopify_url: str, woo_url: str) -> dict[str, int]:
    shopify: dict[str, Any] = requests.get(f"{shopify_url}/__sandbox/state", timeout=30).json()
    woo: dict[str, Any] = requests.get(f"{woo_url}/__sandbox/state", timeout=30).json()
    return {
        "refunds": len(shopify.get("refunds", [])) + int(woo.get("refunds", 0)),
        "credits": len(shopify.get("credits", [])) + len(shopify.get("gift_cards", [])) + int(woo.get("coupons", 0)),
        "exchanges": len(shopify.get("fulfillment_orders", [])) + int(woo.get("orders", 0)),
    }
