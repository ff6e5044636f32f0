"""The policy form as the settings page shows it: each field's text as typed, what is wrong with each field, and
the policy it makes when nothing is (``connector.services.settings_form`` for what every settings form shares).

``writing.form_of`` fills it from a policy, ``reading.read_form`` from what a browser sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from connector.policy.model import Policy
from connector.services.policy_settings.spec import SEP, Rows, all_rows, rows_name
from connector.services.settings_form import FormData, SettingsForm, row_indices

BASE_VERSION: Final = "base_version"
"""The hidden field holding the version the form was opened on (0: none stored yet)."""


@dataclass
class PolicyForm(SettingsForm):
    policy: Policy | None = None
    """The policy the fields make; None while any field is wrong."""
    base_version: int = 0

    @property
    def valid(self) -> bool:
        return self.policy is not None and not self.errors


def rows_sent(data: FormData) -> dict[str, int]:
    """Rows to show again for each list: up to the last one sent holding something (an empty row sent back is the
    one ``NEW_ROWS`` adds again, not one more)."""
    counts: dict[str, int] = {}
    for section, rows in all_rows():
        prefix = rows_name(section, rows)
        held = [i for i in row_indices(data, prefix) if not row_is_empty(data, f"{prefix}{SEP}{i}", rows)]
        counts[prefix] = held[-1] + 1 if held else 0
    return counts


def row_is_empty(data: FormData, prefix: str, rows: Rows) -> bool:
    """Whether the row's fields hold nothing but what a new row shows (``365`` days of history)."""
    for item in rows.fields:
        sent = [value.strip() for value in data.get(f"{prefix}{SEP}{SEP.join(item.path)}", ())]
        if any(value and value != item.new_row for value in sent):
            return False
    return True


def sent_version(data: FormData) -> int:
    """The version the form was opened on; 0 when missing or unreadable (the save then finds it changed, unless
    no version is stored yet)."""
    raw = (data.get(BASE_VERSION) or [""])[0]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
