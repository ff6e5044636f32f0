"""Marshmallow schemas for the config file: unknown keys and wrong types are errors naming the key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from connector.branding import InvalidBranding, check_accent_colour, check_url
from connector.config.carrier_schema import CarrierSchema
from connector.config.sections import ENV_NAME as ENV_NAME  # the platforms' schemas import it from here
from connector.config.sections import ConfigSection, StrictSchema
from connector.errors import ConfigError as AddressError

_CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="must be an ISO 4217 code such as EUR")
HTTP_TIMEOUT_MARGIN = 30  # seconds: the longest platform HTTP call (connect + read timeouts) and then some



class AppSchema(StrictSchema):
    environment = fields.String(validate=validate.OneOf(["development", "production", "test"]))
    base_url = fields.Url(require_tld=False, schemes={"http", "https"})
    data_dir = fields.String(validate=validate.Length(min=1))
    log_level = fields.String(validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"]))
    default_locale = fields.String(validate=validate.OneOf(["en", "fr"]))
    allow_private_store_urls = fields.Boolean(truthy={True}, falsy={False})  # TOML booleans only


class DatabaseSchema(StrictSchema):
    url = fields.String(validate=validate.Length(min=1))


class RedisSchema(StrictSchema):
    url = fields.String()


class QueueSchema(StrictSchema):
    name = fields.String(validate=validate.Regexp(r"^[a-z0-9_-]+$"))
    job_timeout_seconds = fields.Integer(strict=True, validate=validate.Range(min=1))
    max_attempts = fields.Integer(strict=True, validate=validate.Range(min=1, max=50))
    backoff_base_seconds = fields.Integer(strict=True, validate=validate.Range(min=0))
    backoff_max_seconds = fields.Integer(strict=True, validate=validate.Range(min=1))
    stuck_after_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    reconcile_every_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    relay_every_seconds = fields.Float(validate=validate.Range(min=0.01, max=60))
    tracking_poll_after_seconds = fields.Integer(strict=True, validate=validate.Range(min=60))

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


class WebhookSchema(StrictSchema):
    max_body_bytes = fields.Integer(strict=True, validate=validate.Range(min=1024))


class PhotosSchema(StrictSchema):
    max_bytes = fields.Integer(strict=True, validate=validate.Range(min=10_240, max=50 * 1024 * 1024))


def _branding(check: Callable[[str], object]) -> Callable[[str], None]:
    def validate_value(value: str) -> None:
        try:
            check(value)
        except InvalidBranding as exc:
            raise ValidationError(exc.reason) from exc

    return validate_value


class BrandingSchema(StrictSchema):
    logo_url = fields.String(validate=_branding(lambda v: check_url("logo_url", v, app_path=True)))
    accent_colour = fields.String(validate=_branding(check_accent_colour))
    policy_url = fields.String(validate=_branding(lambda v: check_url("policy_url", v)))
    contact_url = fields.String(validate=_branding(lambda v: check_url("contact_url", v)))


class ShopSchema(StrictSchema):
    """A ``[[shops]]`` entry; ``config_schema`` makes one per load that knows the platforms and their spellers."""

    sections: Mapping[str, ConfigSection[Any]] = {}
    allow_private: bool = False

    platform = fields.String(required=True)
    address = fields.String(required=True, validate=validate.Length(min=1))
    currency = fields.String(validate=_CURRENCY)
    locale = fields.String(validate=validate.OneOf(["en", "fr"]))
    name = fields.String()
    credentials_env = fields.Dict(keys=fields.String(), values=fields.String(validate=ENV_NAME))
    policy_file = fields.String()
    branding = fields.Nested(BrandingSchema)
    carrier = fields.Nested(CarrierSchema)

    @validates("platform")
    def _known_platform(self, value: str, **_: Any) -> None:
        validate.OneOf(sorted(self.sections))(value)

    @validates_schema
    def _address(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("platform") in self.sections and "address" in data:
            try:
                self._spelled(data)
            except AddressError as exc:
                raise ValidationError(str(exc), "address") from exc

    @post_load
    def _stored_spelling(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The address as every other entry point stores it, so a declared shop matches its webhooks."""
        return {**data, "address": self._spelled(data)}

    def _spelled(self, data: dict[str, Any]) -> str:
        speller = self.sections[data["platform"]].spell_address
        return speller(data["address"], allow_private=self.allow_private)


class ConfigSchema(StrictSchema):
    """The core's tables; ``config_schema`` adds the platforms' own."""

    app = fields.Nested(AppSchema)
    database = fields.Nested(DatabaseSchema)
    redis = fields.Nested(RedisSchema)
    queue = fields.Nested(QueueSchema)
    webhooks = fields.Nested(WebhookSchema)
    photos = fields.Nested(PhotosSchema)


def config_schema(sections: Mapping[str, ConfigSection[Any]], raw: Mapping[str, Any]) -> Schema:
    """The schema of a file for these platforms: their tables nested strictly beside the core's, and
    ``[[shops]]`` entries naming one of them, spelled by its speller.

    ``raw`` is the parsed file: a speller is told the file's ``[app] allow_private_store_urls`` before the file is
    validated (a value that is no TOML boolean counts as false, and is reported by ``AppSchema``).
    """
    clash = sorted(set(sections) & {*ConfigSchema._declared_fields, "shops"})
    if clash:  # a plugin's mistake, not the file's: it would hide a core table
        raise ValueError(f"a platform's config section may not be named like a core table: {', '.join(clash)}")
    app = raw.get("app")
    allow_private = isinstance(app, dict) and app.get("allow_private_store_urls") is True
    shop = type("ShopSchema", (ShopSchema,), {"sections": sections, "allow_private": allow_private})
    tables: dict[str, Any] = {key: fields.Nested(section.schema, unknown=RAISE) for key, section in sections.items()}
    generated = type("ConfigSchema", (ConfigSchema,), {**tables, "shops": fields.List(fields.Nested(shop))})
    return cast(Schema, generated())
