"""The two forms of a return's page, read and checked before any use case runs: units received (all that are
expected, or a count per line), and the inspection of one line (its condition and what becomes of it).

Why checked here as well as by the domain: the domain refuses in English, for the history and the API; staff
need the field marked and a sentence in their language. Fields are numbered by the line's place in the return
(``qty-1``, ``condition-2``), not by its id, so every id is a valid HTML id whatever a platform's ids look like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, TypeVar

from flask import request
from flask_babel import gettext as _

from connector.domain.resolutions import Condition, Disposition
from connector.services.store_counter import CounterLine, CounterReturn

MAX_NOTE: Final = 500
E = TypeVar("E", Condition, Disposition)


@dataclass
class ReturnForms:
    """What was sent (shown back as sent) and what is wrong with it, by field id."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None


def read_receipt(counter: CounterReturn) -> tuple[dict[str, int], ReturnForms]:
    """The units received per line id: every expected one with ``all``, else the counts typed."""
    form = ReturnForms()
    if request.form.get("all") == "1":
        everything = {c.line.id: c.awaited for c in counter.lines if c.awaited > 0}
        if not everything:
            form.problem = _("Nothing more is expected for this return.")
        return everything, form
    quantities: dict[str, int] = {}
    for index, line in enumerate(counter.lines, start=1):
        name = f"qty-{index}"
        raw = request.form.get(name, "").strip()[:20]
        form.values[name] = raw
        count = _count(raw)
        if count is None or not 0 <= count <= line.remaining:
            form.errors[name] = _(
                "Enter a whole number from 0 to %(max)d for “%(item)s”.", max=line.remaining, item=line.title
            )
        elif count:
            quantities[line.line.id] = count
    if not quantities and not form.errors:
        first = next((i for i, c in enumerate(counter.lines, start=1) if c.remaining), 1)
        form.errors[f"qty-{first}"] = _("Enter how many units came back, at least one.")
    return quantities, form


def _count(raw: str) -> int | None:
    if raw == "":
        return 0
    return int(raw) if raw.isascii() and raw.isdigit() else None


@dataclass(frozen=True, slots=True)
class Inspection:
    line: CounterLine
    condition: Condition | None
    disposition: Disposition
    note: str


def read_inspection(counter: CounterReturn) -> tuple[Inspection | None, ReturnForms]:
    """The inspection of the line the form names; None with the fields marked."""
    form = ReturnForms()
    raw_index = request.form.get("line", "")
    index = int(raw_index) if raw_index.isascii() and raw_index.isdigit() else 0
    if not 1 <= index <= len(counter.lines):
        form.problem = _("This form names no item of this return. Open the return again.")
        return None, form
    line = counter.lines[index - 1]
    names = {part: f"{part}-{index}" for part in ("condition", "disposition", "note")}
    for name in names.values():
        form.values[name] = request.form.get(name, "").strip()[:MAX_NOTE + 1]
    disposition = _member(Disposition, form.values[names["disposition"]])
    condition = _member(Condition, form.values[names["condition"]])
    if disposition is None:
        form.errors[names["disposition"]] = _("Choose what becomes of “%(item)s”.", item=line.title)
    elif disposition is not Disposition.MISSING and line.line.received_quantity == 0:
        form.errors[names["disposition"]] = _(
            "Nothing of “%(item)s” has been received: only “Missing” can be chosen.", item=line.title
        )
    if condition is None and disposition is not Disposition.MISSING:
        form.errors[names["condition"]] = _("Choose the condition of “%(item)s”.", item=line.title)
    if len(form.values[names["note"]]) > MAX_NOTE:
        form.errors[names["note"]] = _("A note is at most %(max)d characters.", max=MAX_NOTE)
    if form.errors or disposition is None:
        return None, form
    return Inspection(line, condition, disposition, form.values[names["note"]]), form


def _member(kind: type[E], raw: str) -> E | None:
    try:
        return kind(raw)
    except ValueError:
        return None
