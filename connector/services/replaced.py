"""Failed actions that an agent paid again with another amount (``services.failed_payment``).

The new action names the one it replaces in its payload. A replaced action stays failed in the history but
no longer holds up the return's closing, and is never retried (its amount is the one the shop refused).
"""

from __future__ import annotations

from collections.abc import Iterable

from connector.store.actions_repo import ActionRecord

REPLACES = "replaces"


def replaced_ids(records: Iterable[ActionRecord]) -> set[str]:
    """Ids of the actions that another of ``records`` replaces."""
    return {str(r.payload[REPLACES]) for r in records if r.payload.get(REPLACES)}
