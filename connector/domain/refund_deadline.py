"""The EU withdrawal refund deadline, watched: which returns risk missing it.

Under the EU/French withdrawal preset the merchant must refund within 14 days of the withdrawal (the policy
stores the date as ``refund_due_by``). Nothing else forces that to happen, so agents are warned two days
ahead, and again once it has passed, while no money has moved and the return is still open.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Final

from connector.domain.states import ReturnStatus

WARN_BEFORE: Final = timedelta(days=2)
SETTLED: Final = frozenset({ReturnStatus.DECLINED, ReturnStatus.CANCELED, ReturnStatus.RESOLVED,
                            ReturnStatus.CLOSED})
"""Nothing more is owed: declined or canceled, or resolved (paid, credited or exchanged) and perhaps closed."""


class DeadlineRisk(enum.StrEnum):
    DUE_SOON = "due_soon"  # within WARN_BEFORE of the deadline
    OVERDUE = "overdue"  # the deadline has passed


def deadline_risk(refund_due_by: datetime | None, status: ReturnStatus, money_moved: bool,
                  now: datetime) -> DeadlineRisk | None:
    """None when there is no deadline, nothing is owed any more, or the deadline is more than two days off."""
    if refund_due_by is None or money_moved or status in SETTLED:
        return None
    if now >= refund_due_by:
        return DeadlineRisk.OVERDUE
    if now >= refund_due_by - WARN_BEFORE:
        return DeadlineRisk.DUE_SOON
    return None


def alert_action(risk: DeadlineRisk) -> str:
    """The history entry each risk leaves once on the return, for agents to see."""
    return f"refund_deadline_{risk.value}"
