"""The return state machine as data: each action names the states it may start from and where it goes.

requested → approved | declined
approved → in_transit → received → inspected → resolved → closed
in_transit → resolved when the shop refunds on the carrier's first scan (``resolve_at_first_scan``)
canceled is reachable only before goods or money have moved (see ``ReturnRequest.cancel``).
Partial receipt keeps a return in ``received`` until every expected unit is received or written off.
"""

from __future__ import annotations

import enum
from typing import Final, NamedTuple


class ReturnStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    INSPECTED = "inspected"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


class Transition(NamedTuple):
    sources: frozenset[ReturnStatus]
    target: ReturnStatus


S = ReturnStatus
TRANSITIONS: Final[dict[str, Transition]] = {
    "approve": Transition(frozenset({S.REQUESTED}), S.APPROVED),
    "decline": Transition(frozenset({S.REQUESTED}), S.DECLINED),
    "mark_in_transit": Transition(frozenset({S.APPROVED}), S.IN_TRANSIT),
    # In-store drop-off skips transit; a second parcel may arrive after a first inspection.
    "receive": Transition(frozenset({S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED}), S.RECEIVED),
    "inspect": Transition(frozenset({S.RECEIVED, S.INSPECTED}), S.INSPECTED),
    # APPROVED → RESOLVED only for keep-the-item returns (checked by the aggregate).
    "resolve": Transition(frozenset({S.INSPECTED, S.APPROVED}), S.RESOLVED),
    # The shop's "refund on first scan": paid once the carrier holds the parcel, below the policy's value limit.
    "resolve_at_first_scan": Transition(frozenset({S.IN_TRANSIT}), S.RESOLVED),
    "close": Transition(frozenset({S.RESOLVED}), S.CLOSED),
    "cancel": Transition(frozenset({S.REQUESTED, S.APPROVED}), S.CANCELED),
    # What the merchant did in the shop's admin, which we follow rather than judge (and do not tell the shop
    # back): a decline of a return still requested (a decline arriving after our approval is a stale event and
    # never rolls it back), and a close of an open return at any point, paid or not.
    "decline_at_shop": Transition(frozenset({S.REQUESTED}), S.DECLINED),
    "close_at_shop": Transition(frozenset({S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.RESOLVED}), S.CLOSED),
}
TERMINAL: Final = frozenset({S.DECLINED, S.CLOSED, S.CANCELED})


def target_of(action: str, current: ReturnStatus) -> ReturnStatus | None:
    """Where ``action`` leads from ``current``, or None when the machine forbids it."""
    transition = TRANSITIONS.get(action)
    if transition is None or current not in transition.sources:
        return None
    return transition.target
