"""A shop's carrier table, ``[shops.carrier]``: one strict schema for the config file and the command line.

Why one schema for both: ``returns-connector carriers add`` builds the same table from its flags and loads it
here, so a value the file refuses is refused on the command line too, with the same words. The carrier's key
must be a registered carrier (``connector.carriers_registry``), and what the table asks of the carrier is
checked against what that carrier declares it can do: a return method it cannot serve, a warehouse address
missing for a carrier that prints labels, or a refund on first scan from a carrier that follows no parcel are
errors naming the key, not surprises on the first return.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from connector.carrier_settings import LABELS, ShopCarrier, can_serve, missing_for
from connector.carriers_registry import CarrierProvider, registered
from connector.config.sections import ENV_NAME, StrictSchema
from connector.domain.resolutions import ReturnMethod
from connector.domain.shipping import CarrierCapability

COUNTRY = validate.Regexp(r"^[A-Z]{2}$", error="must be an ISO 3166-1 alpha-2 country code such as FR")
_OPTION_NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="must be a name such as base_url")
_METHODS = ", ".join(m.value for m in ReturnMethod)
_REQUIRED = validate.Length(min=1, error="must not be empty")


class ReturnAddressSchema(StrictSchema):
    """The warehouse the labels send parcels to: ``connector.domain.shipping.PostalAddress``'s fields."""

    name = fields.String(required=True, validate=_REQUIRED)
    company = fields.String()
    street = fields.String(required=True, validate=_REQUIRED)
    house_number = fields.String()
    postal_code = fields.String(required=True, validate=_REQUIRED)
    city = fields.String(required=True, validate=_REQUIRED)
    country = fields.String(required=True, validate=COUNTRY)
    email = fields.Email()
    phone = fields.String()


class CarrierSchema(StrictSchema):
    """``[shops.carrier]``: which carrier, its credentials' variables, its options, the warehouse and the methods
    per destination country."""

    key = fields.String(required=True)
    credentials_env = fields.Dict()
    options = fields.Dict()
    refund_on_first_scan = fields.Boolean(truthy={True}, falsy={False})  # TOML booleans only
    return_address = fields.Nested(ReturnAddressSchema)
    methods = fields.Dict()

    @validates("key")
    def _registered(self, value: str, **_: Any) -> None:
        if _provider(value) is None:
            known = ", ".join(sorted(p.key for p in registered())) or "none"
            raise ValidationError(f"unknown carrier {value!r}; the installed carriers are: {known}")

    @validates("credentials_env")
    def _variables(self, value: Mapping[str, Any], **_: Any) -> None:
        problems: dict[str, list[str]] = {}
        for name, variable in value.items():
            if not (isinstance(variable, str) and _passes(ENV_NAME, variable)):
                problems[name] = [str(ENV_NAME.error)]
        if problems:
            raise ValidationError(problems)

    @validates("options")
    def _options(self, value: Mapping[str, Any], **_: Any) -> None:
        problems: dict[str, Any] = {}
        for name, option in value.items():
            if not _passes(_OPTION_NAME, name):
                problems[name] = [str(_OPTION_NAME.error)]
            elif isinstance(option, Mapping):
                if found := _table_problems(option):
                    problems[name] = found
            elif not _plain(option):
                problems[name] = ["must be a text, a number, a boolean, a date, a list of them, or a table of texts"]
        if problems:
            raise ValidationError(problems)

    @validates("methods")
    def _methods(self, value: Mapping[str, Any], **_: Any) -> None:
        problems = {country: found for country, listed in value.items() if (found := _method_problems(country, listed))}
        if problems:
            raise ValidationError(problems)

    @validates_schema(skip_on_field_errors=False)
    def _what_the_carrier_can_do(self, data: dict[str, Any], **_: Any) -> None:
        provider = _provider(data.get("key", ""))
        if provider is None:
            return
        problems: dict[str, Any] = {}
        if "return_address" not in data and provider.capabilities & LABELS:
            problems["return_address"] = [f"required: {provider.key} prints labels, which need the warehouse address"]
        if data.get("refund_on_first_scan") and CarrierCapability.TRACKING_WEBHOOKS not in provider.capabilities:
            problems["refund_on_first_scan"] = [f"{provider.key} follows no parcel: there is no first scan"]
        unserved = _unserved(provider, data.get("methods") or {})
        if unserved:
            problems["methods"] = unserved
        if problems:
            raise ValidationError(problems)


_SCALARS = (str, bool, int, float, date, time)  # a TOML datetime is a date


def _plain(option: Any) -> bool:
    """An option the store can keep as JSON once its dates are written out: a carrier reads nothing deeper."""
    if isinstance(option, list):
        return all(isinstance(item, _SCALARS) for item in option)
    return isinstance(option, _SCALARS)


def _table_problems(table: Mapping[str, Any]) -> dict[str, list[str]]:
    """An option that is a table (Sendcloud's ``relay_option_codes``, ``option_codes``): names to texts, one level,
    as a carrier reads nothing deeper."""
    problems: dict[str, list[str]] = {}
    for key, value in table.items():
        if not _passes(_OPTION_NAME, key):
            problems[key] = [str(_OPTION_NAME.error)]
        elif not isinstance(value, str):
            problems[key] = ["must be a text (a table option maps names to texts)"]
    return problems


def _stored(option: Any) -> Any:
    """The option as JSON holds it: a TOML date or time as its ISO text (``pickup_closed_dates``)."""
    if isinstance(option, list):
        return [_stored(item) for item in option]
    return option.isoformat() if isinstance(option, date | time) else option


def _passes(check: validate.Validator, value: str) -> bool:
    try:
        check(value)
    except ValidationError:
        return False
    return True


def _provider(key: str) -> CarrierProvider | None:
    return next((p for p in registered() if p.key == key), None)


def _method_problems(country: str, methods: Any) -> list[str]:
    if country != "default" and not _passes(COUNTRY, country):
        return ["must be an ISO 3166-1 alpha-2 country code such as FR, or default"]
    if not isinstance(methods, list) or not methods:
        return [f"must be a list of return methods, among: {_METHODS}"]
    wrong = [m for m in methods if m not in {r.value for r in ReturnMethod}]
    if wrong:
        return [f"not a return method: {', '.join(map(str, wrong))}; among: {_METHODS}"]
    return []


def _unserved(provider: CarrierProvider, methods: Mapping[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for country, listed in methods.items():
        if _method_problems(country, listed):
            continue  # already reported by the field's own check
        lacking = [m for m in listed if not can_serve(ReturnMethod(m), provider.capabilities)]
        if lacking:
            found[country] = [
                f"{provider.key} cannot serve {m} (it lacks {missing_for(ReturnMethod(m), provider.capabilities)})"
                for m in lacking
            ]
    return found


def carrier_from(table: Mapping[str, Any], source: str) -> ShopCarrier:
    """The validated table (``CarrierSchema().load``) as the account the store keeps; ``source`` is ``config``
    or ``cli``, so a config sync replaces only its own."""
    return ShopCarrier(
        carrier=table["key"],
        settings={
            "options": {name: _stored(option) for name, option in (table.get("options") or {}).items()},
            "return_address": dict(table["return_address"]) if table.get("return_address") else None,
            "methods": {country: list(dict.fromkeys(m)) for country, m in (table.get("methods") or {}).items()},
            "refund_on_first_scan": bool(table.get("refund_on_first_scan", False)),
        },
        credentials_env=dict(table.get("credentials_env") or {}),
        source=source,
    )
