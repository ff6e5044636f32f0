"""What a browser sent, read into a policy: each field's text checked and turned into the document's value, the
checks that span fields, then the policy's own schema, every problem kept under the field it belongs to.

Why the schema last, and still: the fields' own checks say what is wrong in the merchant's words (a code the page
translates); the schema (``connector.policy.schema``) is the one judge of a policy, for the files and the
command line as for this form, so nothing it refuses is ever saved from here. What it finds that the fields did
not is shown under the field its key path names, in its own English words (``invalid``).
"""

from __future__ import annotations

import re
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError

from connector.policy.model import Policy
from connector.policy.schema import PolicySchema
from connector.services.policy_settings.form import PolicyForm, row_is_empty, rows_sent, sent_version
from connector.services.policy_settings.spec import (
    EU_SWITCH,
    REMOVE,
    SECTIONS,
    Field,
    Kind,
    Rows,
    Section,
    name_of,
)
from connector.services.policy_settings.text import (
    MAX_TEXT,
    Refused,
    amounts,
    calendar_date,
    countries,
    decimal,
    integer,
    refuse,
    words,
)
from connector.services.settings_form import FORM_PROBLEM, FormData, Problem, row_indices

_RULE_ID: Final = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_MISSING: Final = object()
Path = tuple[str | int, ...]


def _parse(item: Field, text: str) -> Any:
    """One field's non-empty text as the document's value; ``Refused`` says why not."""
    match item.kind:
        case Kind.INT:
            return integer(text, _int_or_none(item.minimum), _int_or_none(item.maximum))
        case Kind.DECIMAL:
            return str(decimal(text, *_decimal_bounds(item)))
        case Kind.AMOUNTS:
            return amounts(text) or _MISSING
        case Kind.WORDS:
            return words(text) or _MISSING
        case Kind.COUNTRIES:
            return countries(text) or _MISSING
        case Kind.DATE:
            return calendar_date(text)
        case Kind.CHOICE:
            if text not in item.choices:
                raise refuse("choice")
            return text
        case Kind.TRISTATE:
            if text not in ("yes", "no"):
                raise refuse("choice")
            return text == "yes"
        case Kind.TIMEZONE:
            return _timezone(text)
        case Kind.RULE_ID:
            if not _RULE_ID.match(text):
                raise refuse("rule_id")
            return text
        case _:
            return text


def _int_or_none(bound: object) -> int | None:
    return bound if isinstance(bound, int) else None


def _decimal_bounds(item: Field) -> tuple[Any, Any]:
    return item.minimum, item.maximum


def _timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise refuse("timezone") from exc
    return text


class _Reader:
    """Reads one form; ``names`` maps each document path it wrote to its field, for the schema's errors."""

    def __init__(self, data: FormData) -> None:
        self.data = data
        self.form = PolicyForm(row_counts=rows_sent(data), base_version=sent_version(data))
        self.names: dict[Path, str] = {}

    def raw(self, name: str) -> tuple[str, ...]:
        found = tuple(self.data.get(name, ()))
        self.form.values[name] = found
        return found

    def fail(self, name: str, problem: Problem) -> None:
        self.form.fail(name, problem)

    def field(self, name: str, item: Field, path: Path) -> Any:
        """The document's value of one field, ``_MISSING`` to leave it to the schema's default (or when wrong)."""
        raw = self.raw(name)
        self.names[path] = name
        if item.kind is Kind.FLAG:
            return bool(raw and raw[0])
        if item.kind is Kind.CHOICES:
            return self._choices(name, item, raw)
        text = raw[0].strip() if raw else ""
        if len(text) > MAX_TEXT:
            self.fail(name, Problem.of("too_long", max=MAX_TEXT))
            return _MISSING
        if not text:
            if item.required:
                self.fail(name, Problem.of("required"))
            return _MISSING
        try:
            return _parse(item, text)
        except Refused as exc:
            self.fail(name, exc.problem)
            return _MISSING

    def _choices(self, name: str, item: Field, raw: tuple[str, ...]) -> list[str] | object:
        chosen = list(dict.fromkeys(raw))
        if any(value not in item.choices for value in chosen):
            self.fail(name, Problem.of("choice"))
            return _MISSING
        if item.required and not chosen:
            self.fail(name, Problem.of("choose_one"))
            return _MISSING
        return chosen

    def table(self, prefix: tuple[str, ...], fields: tuple[Field, ...], path: Path) -> dict[str, Any]:
        """The fields under ``prefix`` (a section or a row) as a table of the document."""
        table: dict[str, Any] = {}
        for item in fields:
            if item.path == (EU_SWITCH,):
                continue
            value = self.field(name_of(*prefix, *item.path), item, (*path, *item.path))
            if value is not _MISSING:
                _put(table, item.path, value)
        return table

    def rows(self, section: Section, rows: Rows) -> list[dict[str, Any]]:
        """The list's rows that hold something and are not removed, in their order."""
        prefix = (*section.path, *rows.path)
        items: list[dict[str, Any]] = []
        for index in row_indices(self.data, name_of(*prefix)):
            row_prefix = (*prefix, str(index))
            removed = bool(self.raw(name_of(*row_prefix, REMOVE)))
            if removed or row_is_empty(self.data, name_of(*row_prefix), rows):
                for item in rows.fields:
                    self.raw(name_of(*row_prefix, *item.path))
                continue
            items.append(self.table(row_prefix, rows.fields, (*prefix, len(items))))
        return items

    def section(self, section: Section) -> dict[str, Any] | None:
        """The section's table; None for an optional one left off (its fields are kept as sent, unchecked)."""
        if section.switch is not None:
            switch = tuple(v.strip() for v in self.data.get(name_of(*section.path, section.switch), ()))
            if not any(switch):
                for item in section.fields:
                    assert isinstance(item, Field)
                    self.raw(name_of(*section.path, *item.path))
                return None
        table = self.table(section.path, tuple(f for f in section.fields if isinstance(f, Field)), section.path)
        for rows in (f for f in section.fields if isinstance(f, Rows)):
            table[rows.path[-1]] = self.rows(section, rows)
        return table


def _put(table: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        table = table.setdefault(key, {})
    table[path[-1]] = value


def read_form(data: FormData) -> PolicyForm:
    """The form as sent, checked: ``policy`` when every field is right, else ``errors`` by field name."""
    reader = _Reader(data)
    document: dict[str, Any] = {}
    for section in SECTIONS:
        table = reader.section(section)
        if table is not None and section.path:
            document[section.path[0]] = table
        elif table is not None:
            document.update(table)
    _across_fields(reader, document)
    if reader.form.errors:
        return reader.form
    try:
        policy = PolicySchema().load(document)
    except ValidationError as exc:
        for path, message in _flat(exc.messages, ()):
            reader.fail(_name_for(reader.names, path), Problem.of("invalid", detail=message))
        return reader.form
    assert isinstance(policy, Policy)
    reader.form.policy = policy
    return reader.form


def _across_fields(reader: _Reader, document: dict[str, Any]) -> None:
    """Checks that span fields, said on the field to change: a holiday's dates in order, rule ids once, a fee
    only for a method the shop offers."""
    for index, holiday in enumerate(document.get("windows", {}).get("holidays", [])):
        path: Path = ("windows", "holidays", index)
        if {"start", "end"} <= holiday.keys() and holiday["end"] < holiday["start"]:
            reader.fail(reader.names[(*path, "end")], Problem.of("not_before_start"))
        if {"end", "until"} <= holiday.keys() and holiday["until"] < holiday["end"]:
            reader.fail(reader.names[(*path, "until")], Problem.of("not_before_end"))
    seen: set[str] = set()
    for index, rule in enumerate(document.get("rules", [])):
        if rule.get("id") in seen:
            reader.fail(reader.names[("rules", index, "id")], Problem.of("rule_id_twice"))
        seen.add(rule.get("id", ""))
    offered = set(document.get("methods") or ())
    for method in document.get("fees", {}).get("by_method", {}):
        if offered and method not in offered:
            reader.fail(reader.names[("fees", "by_method", method)], Problem.of("method_not_offered"))


def _flat(messages: Any, path: Path) -> list[tuple[Path, str]]:
    """Marshmallow's nested messages as (key path, first message) pairs."""
    if isinstance(messages, str):
        return [(path, messages)]
    if isinstance(messages, list):
        return [pair for item in messages[:1] for pair in _flat(item, path)]
    found: list[tuple[Path, str]] = []
    for key, value in messages.items():
        found.extend(_flat(value, path if key == "_schema" else (*path, key)))
    return found


def _name_for(names: dict[Path, str], path: Path) -> str:
    """The field of the longest known prefix of ``path`` (an amount's currency is under its field)."""
    for end in range(len(path), 0, -1):
        if path[:end] in names:
            return names[path[:end]]
    return FORM_PROBLEM
