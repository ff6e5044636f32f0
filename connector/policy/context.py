"""What the engine is asked about: a draft return (before it exists) and the caller's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from connector.domain.errors import InvalidReturn
from connector.domain.events import Actor, ActorKind
from connector.domain.money import Money
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution, ReturnMethod
from connector.domain.timeutil import require_utc
from connector.policy.model import Decision


def _empty() -> Mapping[str, int]:
    return MappingProxyType({})


def _no_prices() -> Mapping[str, Money]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DraftLine:
    """A line the customer wants to return. ``exchange_price`` is the replacement's price, if known."""

    id: str
    order_line_id: str
    quantity: int
    reason: ReasonCode
    resolution: Resolution
    exchange_price: Money | None = None

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise InvalidReturn(f"line {self.id}: quantity must be at least 1")


@dataclass(frozen=True, slots=True)
class ReturnDraft:
    """A return being composed in the portal or by an agent, not yet opened."""

    lines: tuple[DraftLine, ...]
    method: ReturnMethod = ReturnMethod.PREPAID_LABEL
    keep_item: bool = False
    requested_at: datetime | None = None  # defaults to the context's ``now``

    def __post_init__(self) -> None:
        require_utc(self.requested_at)
        if not self.lines:
            raise InvalidReturn("a return needs at least one line")
        ids = [line.id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise InvalidReturn("return line ids must be unique")


@dataclass(frozen=True, slots=True)
class AgentOverride:
    """An agent's decision that replaces the policy's, with the reason recorded in the explanation."""

    decision: Decision
    reason: str


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """Everything the engine needs besides the policy, the order and the request; no clock is read.

    ``customer_returns`` are the dates of the customer's earlier returns (not this one).
    ``pending_quantities`` counts units of each order line on *other* open returns.
    ``exchange_prices`` gives the replacement price per return line id (for ReturnRequest lines).
    ``shipping_refunded`` is original shipping already refunded on earlier returns of the order.
    """

    now: datetime
    customer_returns: tuple[datetime, ...] = ()
    pending_quantities: Mapping[str, int] = field(default_factory=_empty)
    actor: Actor = field(default_factory=lambda: Actor(ActorKind.CUSTOMER))
    override: AgentOverride | None = None
    exchange_prices: Mapping[str, Money] = field(default_factory=_no_prices)
    shipping_refunded: Money | None = None

    def __post_init__(self) -> None:
        require_utc(self.now)
        for stamp in self.customer_returns:
            require_utc(stamp)
        if self.override is not None:
            if self.actor.kind is not ActorKind.AGENT:
                raise InvalidReturn("only an agent can override the policy's decision")
            if not self.override.reason.strip():
                raise InvalidReturn("an override needs a reason")

    @property
    def is_agent(self) -> bool:
        return self.actor.kind is ActorKind.AGENT
