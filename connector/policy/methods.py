"""The ways back a shop offers, each with its fee: what the portal shows and the policy page states.

Read from the same policy that prices a return (``Policy.methods``, ``Fees.return_fee``), so the fee a
customer is shown when choosing a method is the one the decision charges, before the waivers the decision
then explains (a faulty item, store credit when the shop waives it, the EU's statutory rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.domain.money import Money
from connector.domain.resolutions import ReturnMethod
from connector.policy.model import Policy


@dataclass(frozen=True, slots=True)
class MethodOffer:
    method: ReturnMethod
    fee: Money
    """Zero when the method is free."""

    @property
    def free(self) -> bool:
        return not self.fee


def offered_methods(policy: Policy, currency: str) -> list[MethodOffer]:
    """The shop's methods in the enum's order (post, relay point, store, pickup), whatever the file's order."""
    return [
        MethodOffer(method, policy.fees.return_fee(method, currency) or Money.zero(currency))
        for method in ReturnMethod
        if method in policy.methods
    ]
