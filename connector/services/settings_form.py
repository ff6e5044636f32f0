"""What every settings form of the admin shares: each field's text as typed, what is wrong with each field as a
``Problem`` (a code and its values, which the settings pages word in the admin's language), and the rows of its
lists.

Why codes and not sentences: the merchant reads the form in their language, and a use case cannot know it
(``connector.services`` never imports the pages, where the catalogues are). Why the text and not the settings: a
form sent back with a mistake must show every field exactly as typed, the wrong one marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

FormData = Mapping[str, Sequence[str]]
"""What a browser sent: every value of each name (``request.form.to_dict(flat=False)``)."""
NEW_ROWS: Final = 1
"""Empty rows shown under each list, to add one without any script."""
MAX_ROWS: Final = 50
"""The most rows a list takes from a form: no setting needs more, and a forged form cannot make us read more."""
FORM_PROBLEM: Final = "_form"
"""The key of a problem that belongs to no one field."""

CODES: Final = frozenset(
    {
        "required",  # the field needs a value
        "too_long",  # {max}
        "integer",  # not a whole number
        "number",  # not a number
        "at_least",  # {min}
        "at_most",  # {max}
        "amounts",  # {entry}: not "EUR 4.90"
        "currency",  # {entry}: not an ISO 4217 code
        "decimals",  # {currency}, {places}: more decimals than the currency has
        "currency_twice",  # {currency}
        "country",  # {entry}: not an ISO 3166-1 alpha-2 code
        "country_twice",  # {entry}: a country named on two rows
        "date",  # not a date written 2026-12-31
        "not_before_start",  # a holiday's end before its start
        "not_before_end",  # a holiday's "until" before its end
        "choice",  # not one of the choices offered
        "choose_one",  # at least one box must be ticked
        "timezone",  # not a known IANA time zone
        "rule_id",  # not lower-case letters, digits, "_", "." or "-"
        "rule_id_twice",  # two rules share an id
        "method_not_offered",  # a fee for a method the shop does not offer
        "changed",  # the settings were saved by someone else since this form was opened
        "name_value",  # {line}: a line that is not "name = value"
        "env_name",  # {entry}: not an environment variable's name (A_Z, digits, _)
        "option_name",  # {entry}: not an option's name (lower case, digits, _)
        "colour_format",  # not a colour written #rrggbb
        "colour_contrast",  # {ratio}, {shade}: too light to read on white; {shade} is the same hue, readable
        "https_url",  # not an https:// address
        "logo_url",  # neither an https:// address nor a path on this app
        "shop_name",  # blank, or too long ({max})
        "invalid",  # {detail}: the settings' own check refused it (English, from the schema)
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with a field: ``code`` (see ``CODES``) and the values its sentence names."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, code: str, **params: str | int) -> Problem:
        assert code in CODES, code
        return cls(code, MappingProxyType(dict(params)))


@dataclass
class SettingsForm:
    """A settings form as shown: ``values`` by field name, ``errors`` by field name, rows per list."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    errors: dict[str, Problem] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    """Rows holding a value in each list, by the highest row index sent (or stored)."""

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

    def marked(self, prefix: str) -> bool:
        """Whether a field whose name starts with ``prefix`` is wrong (a folded part of the form opens then)."""
        return any(name.startswith(prefix) for name in self.errors)

    def fail(self, name: str, problem: Problem) -> None:
        """Mark ``name`` (its first problem is the one shown)."""
        self.errors.setdefault(name, problem)


def row_indices(data: FormData, prefix: str, sep: str = "-") -> list[int]:
    """The row indices ``data`` holds for the list ``prefix`` (``rules`` -> ``rules-3-id`` gives 3), below
    ``MAX_ROWS``, in order."""
    found: set[int] = set()
    start = prefix + sep
    for name in data:
        if name.startswith(start):
            index = name[len(start) :].partition(sep)[0]
            if index.isascii() and index.isdigit() and len(index) <= 3 and int(index) < MAX_ROWS:
                found.add(int(index))
    return sorted(found)


def first(data: FormData, name: str) -> str:
    """The first value sent under ``name``, stripped; empty when none."""
    values = data.get(name) or ()
    return values[0].strip() if values else ""
