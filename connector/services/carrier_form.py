"""The shop's carrier account as a form on the settings page: which carrier, the names of the environment variables
holding its credentials, its options, the warehouse, the return methods per destination country and the refund at
the first scan.

Why names of variables and never credentials: as everywhere (``connector.carrier_settings``), a secret lives in
the process's environment, not in the database, nor in a browser. The form shows and takes variable names only,
and says which ones this process lacks.

Why through ``CarrierSchema``: the config file and ``returns-connector carriers add`` are checked by it; a value
they refuse is refused here too (a method the carrier cannot serve, a warehouse missing for a carrier that prints
labels). The form's own checks come first, so the usual mistakes are said in the merchant's language; what only
the schema knows is shown under its field in the schema's words.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from marshmallow import ValidationError

from connector.carrier_settings import DEFAULT_COUNTRY, ShopCarrier
from connector.carriers_registry import registered
from connector.config.carrier_schema import CarrierSchema, carrier_from
from connector.domain.resolutions import ReturnMethod
from connector.services.settings_form import (
    FORM_PROBLEM,
    FormData,
    Problem,
    SettingsForm,
    first,
    row_indices,
)

SET_IN_ADMIN: Final = "admin"
"""``ShopCarrier.source`` of an account set on the settings page: like one set with ``carriers add``, no sync of
the config file replaces it."""
ADDRESS_FIELDS: Final = (
    "name", "company", "street", "house_number", "postal_code", "city", "country", "email", "phone",
)  # fmt: skip
METHODS_ROWS: Final = "methods"
METHOD_CHOICES: Final = tuple(m.value for m in ReturnMethod)
MAX_LINES: Final = 50
_ENV: Final = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_OPTION: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_COUNTRY: Final = re.compile(r"^[A-Z]{2}$")


@dataclass
class CarrierForm(SettingsForm):
    account: ShopCarrier | None = None
    """The account the fields make; None while any field is wrong."""


def carrier_keys() -> tuple[str, ...]:
    """The carriers installed in this process, by key."""
    return tuple(sorted(p.key for p in registered()))


def carrier_form_of(account: ShopCarrier | None) -> CarrierForm:
    """The form of the shop's account (an empty one without)."""
    form = CarrierForm()
    if account is None:
        return form
    settings = account.settings
    form.values["carrier"] = (account.carrier,)
    form.values["credentials"] = ("\n".join(f"{k} = {v}" for k, v in sorted(account.credentials_env.items())),)
    form.values["options"] = ("\n".join(f"{k} = {toml_value(v)}" for k, v in sorted(account.options.items())),)
    for name, value in (settings.get("return_address") or {}).items():
        form.values[f"address-{name}"] = (str(value or ""),)
    methods: Mapping[str, list[str]] = settings.get("methods") or {}
    ordered = sorted(methods, key=lambda c: (c == DEFAULT_COUNTRY, c))
    for index, country in enumerate(ordered):
        form.values[f"{METHODS_ROWS}-{index}-country"] = (country,)
        form.values[f"{METHODS_ROWS}-{index}-methods"] = tuple(methods[country])
    form.row_counts[METHODS_ROWS] = len(ordered)
    form.values["refund_on_first_scan"] = ("1",) if account.refund_on_first_scan else ()
    return form


def toml_value(value: Any) -> str:
    """An option as typed back: text as it is when it reads back as the same text, else as TOML writes it."""
    if isinstance(value, str):
        return value if scalar(value) == value and value == value.strip() else json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) if not isinstance(v, str) else json.dumps(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()) + " }"
    return str(value)


def scalar(text: str) -> Any:
    """``4242`` a number, ``true`` a boolean, ``{ FR = "x" }`` a table: a TOML value when it is one, else the text
    (as ``carriers add --option`` reads it)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def read_carrier_form(data: FormData) -> CarrierForm:
    """The form as sent, checked: ``account`` when every field is right, else the fields marked."""
    form = CarrierForm(values={name: tuple(values) for name, values in data.items()})
    indices = row_indices(data, METHODS_ROWS)
    held = [i for i in indices if first(data, f"{METHODS_ROWS}-{i}-country") or data.get(f"{METHODS_ROWS}-{i}-methods")]
    form.row_counts[METHODS_ROWS] = held[-1] + 1 if held else 0
    key = first(data, "carrier")
    if key not in carrier_keys():
        form.fail("carrier", Problem.of("choice" if key else "required"))
    table: dict[str, Any] = {"key": key}
    table["credentials_env"] = _pairs(form, "credentials", _ENV, "env_name", raw_values=True)
    options = _pairs(form, "options", _OPTION, "option_name", raw_values=False)
    if options:
        table["options"] = options
    address = _address(form, data)
    if address:
        table["return_address"] = address
    row_of = _methods(form, data, indices, table)
    table["refund_on_first_scan"] = bool(first(data, "refund_on_first_scan"))
    if form.errors:
        return form
    try:
        loaded = CarrierSchema().load(table)
    except ValidationError as exc:
        _schema_problems(form, exc.messages, row_of)
        return form
    form.account = carrier_from(loaded, SET_IN_ADMIN)
    return form


def _pairs(form: CarrierForm, name: str, pattern: re.Pattern[str], code: str, raw_values: bool) -> dict[str, Any]:
    """``name = value`` lines (blank ones skipped): the credentials' variables, or the options."""
    found: dict[str, Any] = {}
    lines = [line.strip() for line in form.value(name).splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        form.fail(name, Problem.of("too_long", max=MAX_LINES))
        return found
    for line in lines:
        key, sep, value = (part.strip() for part in line.partition("="))
        if not sep or not key or not value:
            form.fail(name, Problem.of("name_value", line=line[:80]))
        elif raw_values and not pattern.match(value):
            form.fail(name, Problem.of(code, entry=value[:80]))
        elif not raw_values and not pattern.match(key):
            form.fail(name, Problem.of(code, entry=key[:80]))
        else:
            found[key] = value if raw_values else scalar(value)
    return found


def _address(form: CarrierForm, data: FormData) -> dict[str, str]:
    """The warehouse's fields that hold a value; nothing when none does (the schema says when one is needed)."""
    found = {name: first(data, f"address-{name}") for name in ADDRESS_FIELDS}
    found = {name: value for name, value in found.items() if value}
    if "country" in found:
        found["country"] = found["country"].upper()
        if not _COUNTRY.match(found["country"]):
            form.fail("address-country", Problem.of("country", entry=found["country"]))
    return found


def _methods(form: CarrierForm, data: FormData, indices: list[int], table: dict[str, Any]) -> dict[str, str]:
    """The rows of methods per country into the table; answers each country's field, for the schema's problems."""
    methods: dict[str, list[str]] = {}
    row_of: dict[str, str] = {}
    for index in indices:
        country_name, methods_name = f"{METHODS_ROWS}-{index}-country", f"{METHODS_ROWS}-{index}-methods"
        country = first(data, country_name)
        chosen = list(dict.fromkeys(data.get(methods_name) or ()))
        if not country and not chosen:
            continue
        country = country if country.lower() == DEFAULT_COUNTRY else country.upper()
        if country != DEFAULT_COUNTRY and not _COUNTRY.match(country):
            form.fail(country_name, Problem.of("country" if country else "required", entry=country))
        elif country in methods:
            form.fail(country_name, Problem.of("country_twice", entry=country))
        if any(m not in METHOD_CHOICES for m in chosen):
            form.fail(methods_name, Problem.of("choice"))
        elif not chosen:
            form.fail(methods_name, Problem.of("choose_one"))
        methods[country] = chosen
        row_of[country] = methods_name
    if methods:
        table["methods"] = methods
    return row_of


_FIELD_OF: Final = {"key": "carrier", "credentials_env": "credentials", "options": "options",
                    "refund_on_first_scan": "refund_on_first_scan"}


def _schema_problems(form: CarrierForm, messages: Any, row_of: Mapping[str, str]) -> None:
    """The schema's problems under the field each names (its own English words)."""
    if not isinstance(messages, Mapping):
        form.fail(FORM_PROBLEM, Problem.of("invalid", detail=str(messages)))
        return
    for key, value in messages.items():
        if key == "return_address" and isinstance(value, Mapping):
            for part, detail in value.items():
                form.fail(f"address-{part}" if part in ADDRESS_FIELDS else "address-name", _invalid(detail))
        elif key == "return_address":
            form.fail("address-name", _invalid(value))
        elif key == "methods" and isinstance(value, Mapping):
            for country, detail in value.items():
                form.fail(row_of.get(str(country), FORM_PROBLEM), _invalid(detail))
        else:
            form.fail(_FIELD_OF.get(str(key), FORM_PROBLEM), _invalid(value))


def _invalid(detail: Any) -> Problem:
    """The first message of a marshmallow error, however nested."""
    while isinstance(detail, Mapping | list) and detail:
        detail = next(iter(detail.values())) if isinstance(detail, Mapping) else detail[0]
    return Problem.of("invalid", detail=str(detail))
