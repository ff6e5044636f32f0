"""The audit trail: every transition is an event with its actor, time and reason."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.domain.states import ReturnStatus
from connector.domain.timeutil import require_utc


class ActorKind(enum.StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"
    PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str = ""

    @classmethod
    def system(cls, name: str = "connector") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else str(self.kind)


@dataclass(frozen=True, slots=True)
class ReturnEvent:
    seq: int
    at: datetime
    actor: Actor
    action: str
    from_status: ReturnStatus | None
    to_status: ReturnStatus
    reason: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_utc(self.at)
