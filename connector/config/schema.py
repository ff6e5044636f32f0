"""Marshmallow schemas for the config file: unknown keys and wrong types are errors naming the key."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from connector.branding import InvalidBranding, check_accent_colour, check_url
from connector.errors import ConfigError as AddressError
from connector.netguard import check_store_url
from connector.shopaddress import normalize_address

_CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="must be an ISO 4217 code such as EUR")
_API_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")
HTTP_TIMEOUT_MARGIN = 30  # seconds: the longest platform HTTP call (connect + read timeouts) and then some
_ENV_NAME = validate.Regexp(r"^[A-Z_][A-Z0-9_]*$", error="must be an environment variable name")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class AppSchema(_Strict):
    environment = fields.String(validate=validate.OneOf(["development", "production", "test"]))
    base_url = fields.Url(require_tld=False, schemes={"http", "https"})
    data_dir = fields.String(validate=validate.Length(min=1))
    log_level = fields.String(validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"]))
    default_locale = fields.String(validate=validate.OneOf(["en", "fr"]))
    allow_private_store_urls = fields.Boolean(truthy={True}, falsy={False})  # TOML booleans only


class DatabaseSchema(_Strict):
    url = fields.String(validate=validate.Length(min=1))


class RedisSchema(_Strict):
    url = fields.String()


class QueueSchema(_Strict):
    name = fields.String(validate=validate.Regexp(r"^[a-z0-9_-]+$"))
    job_timeout_seconds = fields.Integer(strict=True, validate=validate.Range(min=1))
    max_attempts = fields.Integer(strict=True, validate=validate.Range(min=1, max=50))
    backoff_base_seconds = fields.Integer(strict=True, validate=validate.Range(min=0))
    backoff_max_seconds = fields.Integer(strict=True, validate=validate.Range(min=1))
    stuck_after_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    reconcile_every_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    relay_every_seconds = fields.Float(validate=validate.Range(min=0.01, max=60))

    @validates_schema
    def _no_second_worker_while_the_first_runs(self, data: dict[str, Any], **_: Any) -> None:
        # An action is handed to another worker once it looks stuck; if that could happen while the first
        # worker's job (or its HTTP call) is still running, a shop without idempotency keys could pay twice.
        job = data.get("job_timeout_seconds", 180)
        stuck = data.get("stuck_after_seconds", 300)
        if stuck <= job + HTTP_TIMEOUT_MARGIN:
            raise ValidationError(
                f"must be more than job_timeout_seconds + {HTTP_TIMEOUT_MARGIN} ({job + HTTP_TIMEOUT_MARGIN})",
                "stuck_after_seconds",
            )


class WebhookSchema(_Strict):
    max_body_bytes = fields.Integer(strict=True, validate=validate.Range(min=1024))


class PhotosSchema(_Strict):
    max_bytes = fields.Integer(strict=True, validate=validate.Range(min=10_240, max=50 * 1024 * 1024))


class ShopifySchema(_Strict):
    api_version = fields.String()
    api_key = fields.String()
    api_secret_env = fields.String(validate=_ENV_NAME)
    admin_base_url = fields.String()
    scopes = fields.List(fields.String())

    @validates_schema
    def _version(self, data: dict[str, Any], **_: Any) -> None:
        version = data.get("api_version")
        if version is None:
            return
        match = _API_VERSION.match(version)
        if not match:
            raise ValidationError("must look like 2026-04", "api_version")
        if version < "2026-04":
            raise ValidationError(
                "must be 2026-04 or later (refund idempotency is enforced from 2026-04)", "api_version"
            )


class WooCommerceSchema(_Strict):
    app_name = fields.String(validate=validate.Length(min=1))
    poll_every_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    final_sale_tags = fields.List(
        fields.String(validate=validate.Regexp(r"\S", error="must not be blank")), validate=validate.Length(max=50)
    )
    final_sale_meta_key = fields.String(validate=validate.Length(max=255))  # WordPress's meta_key column
    product_cache_seconds = fields.Integer(strict=True, validate=validate.Range(min=0, max=86400))


def _branding(check: Callable[[str], object]) -> Callable[[str], None]:
    def validate_value(value: str) -> None:
        try:
            check(value)
        except InvalidBranding as exc:
            raise ValidationError(exc.reason) from exc

    return validate_value


class BrandingSchema(_Strict):
    logo_url = fields.String(validate=_branding(lambda v: check_url("logo_url", v, app_path=True)))
    accent_colour = fields.String(validate=_branding(check_accent_colour))
    policy_url = fields.String(validate=_branding(lambda v: check_url("policy_url", v)))
    contact_url = fields.String(validate=_branding(lambda v: check_url("contact_url", v)))


class ShopSchema(_Strict):
    platform = fields.String(required=True, validate=validate.OneOf(["shopify", "woocommerce"]))
    address = fields.String(required=True, validate=validate.Length(min=1))
    currency = fields.String(validate=_CURRENCY)
    locale = fields.String(validate=validate.OneOf(["en", "fr"]))
    name = fields.String()
    credentials_env = fields.Dict(keys=fields.String(), values=fields.String(validate=_ENV_NAME))
    policy_file = fields.String()
    branding = fields.Nested(BrandingSchema)

    @validates_schema
    def _address(self, data: dict[str, Any], **_: Any) -> None:
        if "platform" in data and "address" in data:
            try:
                normalize_address(data["platform"], data["address"])
            except AddressError as exc:
                raise ValidationError(str(exc), "address") from exc

    @post_load
    def _stored_spelling(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The address as every other entry point stores it, so a declared shop matches its webhooks."""
        return {**data, "address": normalize_address(data["platform"], data["address"])}


class ConfigSchema(_Strict):
    app = fields.Nested(AppSchema)
    database = fields.Nested(DatabaseSchema)
    redis = fields.Nested(RedisSchema)
    queue = fields.Nested(QueueSchema)
    webhooks = fields.Nested(WebhookSchema)
    photos = fields.Nested(PhotosSchema)
    shopify = fields.Nested(ShopifySchema)
    woocommerce = fields.Nested(WooCommerceSchema)
    shops = fields.List(fields.Nested(ShopSchema))

    @validates_schema
    def _no_internal_store(self, data: dict[str, Any], **_: Any) -> None:
        """Spelling only (``localhost``, ``10.0.0.1``, ``0x7f.1``): loading the file asks no DNS server.
        Registering the shop resolves its name too (``services.shops``)."""
        allowed = bool(data.get("app", {}).get("allow_private_store_urls", False))
        errors: dict[int, dict[str, list[str]]] = {}
        for index, shop in enumerate(data.get("shops", [])):
            if shop.get("platform") != "woocommerce":
                continue
            try:
                check_store_url(shop["address"], allow_private=allowed, resolver=None)
            except AddressError as exc:
                errors[index] = {"address": [f"{exc} (allowed only with app.allow_private_store_urls = true)"]}
        if errors:
            raise ValidationError({"shops": errors})
