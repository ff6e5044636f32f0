"""The policy form as the settings page shows it: each field's text as typed, what is wrong with each field, and
the policy it makes when nothing is.

Why the text and not the policy: a form sent back with a mistake must show every field exactly as the merchant
typed it, the wrong one marked, rather than the last saved policy. ``writing.form_of`` fills it from a policy,
``reading.read_form`` from what a browser sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from connector.policy.model import Policy
from connector.services.policy_settings.spec import SEP, all_rows, rows_name
from connector.services.policy_settings.text import Problem

FormData = Mapping[str, Sequence[str]]
"""What a browser sent: every value of each name (``request.form.to_dict(flat=False)``)."""
NEW_ROWS: Final = 1
"""Empty rows shown under each list, to add one without any script."""
MAX_ROWS: Final = 50
"""The most rows a list takes from a form: a policy never needs more, and a forged form cannot make us read more."""
BASE_VERSION: Final = "base_version"
"""The hidden field holding the version the form was opened on (0: none stored yet)."""
FORM_PROBLEM: Final = "_form"
"""The key of a problem that belongs to no one field."""


@dataclass
class PolicyForm:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[str, Problem] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    """Rows holding a value in each list (``windows-overrides``), by the highest row index sent."""
    policy: Policy | None = None
    """The policy the fields make; None while any field is wrong."""
    base_version: int = 0

    def value(self, name: str) -> str:
        found = self.values.get(name, ())
        return found[0] if found else ""

    def chosen(self, name: str) -> tuple[str, ...]:
        return self.values.get(name, ())

    def checked(self, name: str, option: str | None = None) -> bool:
        """A box ticked: the flag ``name``, or ``option`` among the choices of ``name``."""
        found = self.values.get(name, ())
        return bool(found and found[0]) if option is None else option in found

    def rows(self, rows_name: str) -> range:
        """The row indices to show for a list: those sent or stored, and ``NEW_ROWS`` empty ones."""
        return range(self.row_counts.get(rows_name, 0) + NEW_ROWS)

    @property
    def valid(self) -> bool:
        return self.policy is not None and not self.errors


def row_indices(data: FormData, prefix: str) -> list[int]:
    """The row indices ``data`` holds for the list ``prefix`` (``rules`` -> ``rules-3-id`` gives 3), below
    ``MAX_ROWS``, in order."""
    found: set[int] = set()
    start = prefix + SEP
    for name in data:
        if name.startswith(start):
            index = name[len(start) :].partition(SEP)[0]
            if index.isascii() and index.isdigit() and len(index) <= 3 and int(index) < MAX_ROWS:
                found.add(int(index))
    return sorted(found)


def rows_sent(data: FormData) -> dict[str, int]:
    """Rows to show again for each list: up to the highest index sent."""
    counts: dict[str, int] = {}
    for section, rows in all_rows():
        indices = row_indices(data, rows_name(section, rows))
        counts[rows_name(section, rows)] = indices[-1] + 1 if indices else 0
    return counts


def sent_version(data: FormData) -> int:
    """The version the form was opened on; 0 when missing or unreadable (the save then finds it changed, unless
    no version is stored yet)."""
    raw = (data.get(BASE_VERSION) or [""])[0]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
