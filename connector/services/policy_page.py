"""The shop's return policy as its customers read it, from the policy in force: the page and the decisions
can never disagree, because the page is written from the very policy ``evaluate`` applies.

Why a use case: the page needs the shop (its currency for the amounts, its name) and its current policy,
read together in one short unit of work; what the page says is then worked out from that policy alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.domain.orders import Shop
from connector.policy import Explanation, describe
from connector.policy.model import Policy
from connector.services.deps import Deps
from connector.services.policies import current_policy


@dataclass(frozen=True, slots=True)
class PolicyPage:
    shop: Shop
    policy: Policy
    currency: str
    summary: Explanation
    """The policy in plain words (``connector.policy.describe``: windows, exclusions, outcomes, the ways back and
    their fees, the EU rights), each item tagged with the setting it states."""


def policy_page(deps: Deps, shop_id: str) -> PolicyPage:
    """What the policy page states for ``shop_id``, amounts in the shop's currency."""
    with deps.uow() as uow:
        shop = uow.shops.get(shop_id)
        policy = current_policy(uow, shop_id)
    currency = shop.currency
    return PolicyPage(shop, policy, currency, describe(policy, currency))
