"""The common return model: plain Python, no I/O, no platform objects.

Adapters in ``platforms/`` translate to and from these types; nothing else crosses the boundary.
"""

from connector.domain.errors import DomainError, IllegalTransition, InvalidReturn
from connector.domain.events import Actor, ActorKind, ReturnEvent
from connector.domain.money import Money, minor_units
from connector.domain.orders import Customer, Order, OrderLine, Platform, Shop
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import (
    Condition,
    Disposition,
    LineAmounts,
    Resolution,
    ResolutionKind,
    ReturnAmounts,
    ReturnFees,
    ReturnMethod,
)
from connector.domain.returns import ReturnLine, ReturnRequest
from connector.domain.states import ReturnStatus

__all__ = [
    "Actor",
    "ActorKind",
    "Condition",
    "Customer",
    "Disposition",
    "DomainError",
    "IllegalTransition",
    "InvalidReturn",
    "LineAmounts",
    "Money",
    "Order",
    "OrderLine",
    "Platform",
    "ReasonCode",
    "Resolution",
    "ResolutionKind",
    "ReturnAmounts",
    "ReturnEvent",
    "ReturnFees",
    "ReturnLine",
    "ReturnMethod",
    "ReturnRequest",
    "ReturnStatus",
    "Shop",
    "minor_units",
]
