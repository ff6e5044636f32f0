"""``/wc/v3/webhooks``: create (pings the URL), list, get, update, delete (``force=true`` only)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, serialize
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.routes_orders import site, user_id
from sandboxes.woocommerce.serialize import local
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Webhook

blueprint = Blueprint("wc_webhooks", __name__, url_prefix="/wp-json/wc/v3")
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
STATUSES = ("active", "paused", "disabled")


def valid_topic(topic: Any) -> bool:
    if not isinstance(topic, str):
        return False
    resource, _, event = topic.partition(".")
    if resource == "action":
        return event.startswith(("woocommerce_", "wc_"))
    return (resource in RESOURCES and event in EVENTS) or topic == "product.published"


def _get(webhook_id: int) -> Webhook:
    webhook = shop().store.webhooks.get(webhook_id)
    if webhook is None:
        raise ApiError("woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)
    return webhook


def _check_url(url: Any) -> str:
    if not isinstance(url, str) or not shop().url_allowed(url):
        raise ApiError("woocommerce_rest_webhook_invalid_delivery_url",
                       "Webhook delivery URL must be a valid URL starting with http:// or https://. "
                       "(sandbox: loopback hosts only)", 400)  # fmt: skip
    return url


@blueprint.get("/webhooks")
def list_webhooks() -> Response:
    store = shop().store
    p = rest.params()
    status = rest.as_enum("status", p.get("status", "all"), ("all", *STATUSES))
    page, per_page, offset = rest.page_window(0)
    with store.lock:
        found = sorted((w for w in store.webhooks.values() if status in ("all", w.status)),
                       key=lambda w: w.id, reverse=True)  # fmt: skip
        items = [serialize.webhook(w, site()) for w in found[offset:offset + per_page]]
    return rest.paginated(items, len(found), page, per_page)


@blueprint.post("/webhooks")
def post_webhook() -> Response:
    the_shop = shop()
    store = the_shop.store
    data = rest.body()
    if not valid_topic(data.get("topic")):
        raise ApiError("woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400)
    url = _check_url(data.get("delivery_url"))
    status = rest.as_enum("status", data.get("status", "active"), STATUSES)
    secret = rest.as_str("secret", data.get("secret") or secrets.token_urlsafe(37)[:50])
    now = the_shop.now()
    name = rest.as_str("name", data.get("name") or f"Webhook created on {local(now, site())}")
    with store.lock:
        webhook = Webhook(store.webhook_id(), name, status, data["topic"], url, secret, now, now, user_id())
        store.webhooks[webhook.id] = webhook
    if webhook.status == "active":
        the_shop.dispatcher.ping(webhook)  # synchronous, unsigned; its result does not block creation
    return rest.created(serialize.webhook(webhook, site()), f"/wp-json/wc/v3/webhooks/{webhook.id}")


@blueprint.get("/webhooks/<int:webhook_id>")
def read_webhook(webhook_id: int) -> Response:
    with shop().store.lock:
        return jsonify(serialize.webhook(_get(webhook_id), site()))


@blueprint.route("/webhooks/<int:webhook_id>", methods=["PUT", "PATCH", "POST"])
def put_webhook(webhook_id: int) -> Response:
    the_shop = shop()
    data = rest.body()
    with the_shop.store.lock:
        webhook = _get(webhook_id)
        if "topic" in data:
            if not valid_topic(data["topic"]):
                raise ApiError("woocommerce_rest_webhook_invalid_topic",
                               "Webhook topic is required and must be valid.", 400)  # fmt: skip
            webhook.topic = data["topic"]
        if "delivery_url" in data:
            webhook.delivery_url = _check_url(data["delivery_url"])
        if "status" in data:
            webhook.status = rest.as_enum("status", data["status"], STATUSES)  # failure_count is not reset
        if "secret" in data:
            webhook.secret = rest.as_str("secret", data["secret"])
        if "name" in data:
            webhook.name = rest.as_str("name", data["name"])
        webhook.modified = the_shop.now()
        return jsonify(serialize.webhook(webhook, site()))


@blueprint.delete("/webhooks/<int:webhook_id>")
def delete_webhook(webhook_id: int) -> Response:
    store = shop().store
    if not rest.as_bool("force", rest.params().get("force", False)):
        raise ApiError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
    with store.lock:
        webhook = _get(webhook_id)
        data = serialize.webhook(webhook, site())
        del store.webhooks[webhook.id]
        return jsonify(data)
