"""A policy as the form shows it: each field's text, from the policy's stored document.

Why from the document (``policy_to_dict``) and not the dataclasses: the document is already the canonical text
of every value (amounts exact to the minor unit, sets sorted), the very form the reading side builds, so a
policy written into the form and read back is the same policy (a test holds the two sides to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.policy.model import Amounts, Bonus, BonusKind, CustomerLimit, EuWithdrawal, KeepItem, Policy
from connector.policy.schema import (
    BonusSchema,
    CustomerLimitSchema,
    EuWithdrawalSchema,
    KeepItemSchema,
    policy_to_dict,
)
from connector.services.policy_settings.form import PolicyForm, rows_sent, sent_version
from connector.services.policy_settings.spec import EU_SWITCH, EU_WITHDRAWAL, SECTIONS, Field, Kind, Rows, name_of
from connector.services.policy_settings.text import amounts_text, words_text
from connector.services.settings_form import FormData


def _without(document: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != key}


def _default_tables() -> dict[str, dict[str, Any]]:
    """What an optional table's fields show while it is off: the model's defaults, its switch empty."""
    return {
        "customer_limit": _without(CustomerLimitSchema().dump(CustomerLimit(max_returns=0)), "max_returns"),
        "bonus": _without(BonusSchema().dump(Bonus(kind=BonusKind.PERCENT)), "kind"),
        "keep_item": _without(KeepItemSchema().dump(KeepItem(below=Amounts())), "below"),
        "eu_withdrawal": EuWithdrawalSchema().dump(EuWithdrawal()),
    }


DEFAULT_TABLES = _default_tables()


def shown(item: Field, value: Any) -> tuple[str, ...]:
    """A document value as the field's text (several values for a set of boxes)."""
    if value is None:
        return ("",) if item.kind is not Kind.CHOICES and item.kind is not Kind.FLAG else ()
    match item.kind:
        case Kind.CHOICES:
            return tuple(str(v) for v in value)
        case Kind.FLAG:
            return ("1",) if value else ()
        case Kind.AMOUNTS:
            return (amounts_text(value),)
        case Kind.WORDS | Kind.COUNTRIES:
            return (words_text(value),)
        case Kind.TRISTATE:
            return ("yes" if value else "no",)
        case _:
            return (str(value),)


def at(table: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    found: Any = table
    for key in path:
        if not isinstance(found, Mapping):
            return None
        found = found.get(key)
    return found


def form_of(policy: Policy, version: int) -> PolicyForm:
    """The form of ``policy`` (stored as ``version``, 0 for the built-in default), ready to show."""
    document = policy_to_dict(policy)
    form = PolicyForm(base_version=version, policy=policy)
    for section in SECTIONS:
        key = section.path[0] if section.path else None
        present = key is None or key in document
        table: Mapping[str, Any] = document if key is None else _table(document, key)
        for item in section.fields:
            if isinstance(item, Rows):
                _write_rows(form, section.path, item, at(table, item.path) or [])
            elif section is EU_WITHDRAWAL and item.path == (EU_SWITCH,):
                form.values[name_of(*section.path, EU_SWITCH)] = ("1",) if present else ()
            else:
                form.values[name_of(*section.path, *item.path)] = shown(item, at(table, item.path))
    return form


def _table(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = document.get(key)
    return found if isinstance(found, Mapping) else DEFAULT_TABLES.get(key, {})


def _write_rows(form: PolicyForm, prefix: tuple[str, ...], rows: Rows, items: list[Mapping[str, Any]]) -> None:
    form.row_counts[name_of(*prefix, *rows.path)] = len(items)
    for index, row in enumerate(items):
        for item in rows.fields:
            form.values[name_of(*prefix, *rows.path, index, *item.path)] = shown(item, at(row, item.path))


def with_eu_preset(data: FormData) -> PolicyForm:
    """The form as sent, with the EU withdrawal preset turned on: the statutory 14 days, EU-27, refunds within
    14 days; a value the merchant already typed in the preset's fields is kept. Nothing is checked or saved."""
    form = PolicyForm(values={name: tuple(values) for name, values in data.items()}, row_counts=rows_sent(data))
    form.base_version = sent_version(data)
    for item in EU_WITHDRAWAL.fields:
        assert isinstance(item, Field)
        name = name_of(*EU_WITHDRAWAL.path, *item.path)
        if item.path == (EU_SWITCH,):
            form.values[name] = ("1",)
        elif not any(v.strip() for v in form.values.get(name, ())) and item.kind is not Kind.FLAG:
            form.values[name] = shown(item, at(DEFAULT_TABLES["eu_withdrawal"], item.path))
    return form

