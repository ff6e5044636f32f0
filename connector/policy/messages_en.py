"""English wording of every explanation key: plain words a shopper and an agent can both read."""
# ruff: noqa: E501 - one message per line reads better for translators

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    # words
    "outcome.refund": "a refund",
    "outcome.store_credit": "store credit",
    "outcome.exchange": "an exchange",
    "method.prepaid_label": "prepaid label (by post)",
    "method.relay_point": "relay point",
    "method.in_store": "in-store drop-off",
    "method.home_pickup": "home pickup",
    "decision.approve": "approved",
    "decision.decline": "declined",
    "decision.review": "needs review",
    "reason.size_too_small": "too small",
    "reason.size_too_large": "too large",
    "reason.colour": "colour",
    "reason.style": "style",
    "reason.not_as_described": "not as described",
    "reason.defective": "defective",
    "reason.damaged_in_transit": "damaged in transit",
    "reason.wrong_item": "wrong item sent",
    "reason.unwanted": "no longer wanted",
    "reason.arrived_late": "arrived late",
    "reason.other": "other",
    # windows
    "window.open.delivered": "Return accepted ({item}): delivered on {anchor}, {days}-day window until {deadline}.",
    "window.open.fulfilled": (
        "Return accepted ({item}): shipped on {anchor}, delivery date unknown so {buffer} days are counted for "
        "transport; {days}-day window until {deadline}."
    ),
    "window.open.ordered": "Return accepted ({item}): ordered on {anchor}, {days}-day window until {deadline}.",
    "window.expired.delivered": (
        "Return window closed ({item}): delivered on {anchor}, the {days}-day window ended on {deadline}."
    ),
    "window.expired.fulfilled": (
        "Return window closed ({item}): shipped on {anchor} (+{buffer} days for transport), the {days}-day "
        "window ended on {deadline}."
    ),
    "window.expired.ordered": (
        "Return window closed ({item}): ordered on {anchor}, the {days}-day window ended on {deadline}."
    ),
    "window.override.sku": "{item}: {days}-day window for this item (SKU {match}).",
    "window.override.tag": "{item}: {days}-day window for items tagged “{match}”.",
    "window.override.collection": "{item}: {days}-day window for the “{match}” collection.",
    "window.override.product_type": "{item}: {days}-day window for {match} products.",
    "window.holiday": (
        "{item}: holiday extension: ordered between {start} and {end}, so it can be returned until {until}."
    ),
    "window.not_shipped": "{item}: not shipped yet, so there is nothing to return.",
    # exclusions and quantities
    "exclusion.final_sale": "{item}: final sale, cannot be returned.",
    "exclusion.tag": "{item}: cannot be returned (“{match}” items).",
    "exclusion.product_type": "{item}: {match} products cannot be returned.",
    "exclusion.sku": "{item}: this item cannot be returned.",
    "quantity.none_left": (
        "{item}: nothing left to return ({returned} already returned, {pending} on other open returns)."
    ),
    "quantity.too_many": (
        "{item}: {asked} asked but only {available} can be returned ({returned} already returned, "
        "{pending} on other open returns)."
    ),
    # customer limit
    "limit.reached": "Return limit reached: {count} returns in the last {days} days, at most {max} allowed.",
    "limit.ok": "{count} of {max} returns used in the last {days} days.",
    # outcomes
    "outcome.not_allowed": "{item}: {outcome} is not available for this item and reason ({reason}).",
    "outcome.other_product": "{item}: exchanges are limited to another size or colour of the same product.",
    "outcome.chosen": "{item}: {outcome} chosen for {quantity} unit(s) worth {paid}.",
    "exchange.balance_due": "{item}: the replacement costs {price}, {amount} is left to pay.",
    "exchange.difference_refunded": "{item}: the replacement costs {price}, the {amount} difference is refunded.",
    "exchange.difference_credited": (
        "{item}: the replacement costs {price}, the {amount} difference is given as store credit, as you chose."
    ),
    "bonus.percent": "{item}: bonus of {percent} % for choosing {outcome}: {amount}.",
    "bonus.flat": "Bonus of {amount} for choosing store credit or an exchange.",
    "keep_item.granted": "Keep the item: the return is worth {value}, below {threshold}; nothing to send back.",
    "keep_item.refused": "Keeping the item is not possible here (return worth {value}, limit {threshold}).",
    "keep_item.not_offered": "Keeping the item is not offered by this shop.",
    "keep_item.refused.outcome": "Keeping the item only comes with {outcomes}.",
    "keep_item.resolved": "Nothing to send back or inspect: the return is resolved at once with {outcome} of {amount}.",
    # fees
    "fee.free_returns": "Free return shipping.",
    "fee.return_shipping": "Return shipping fee: {amount}.",
    "fee.return_shipping.waived": "Return shipping fee of {amount} waived for store credit and exchanges.",
    "fee.return_shipping.keep_item": "No return shipping fee: the item stays with you.",
    "fee.return_shipping.merchant_fault": "No return shipping fee ({amount}): the problem is ours.",
    "fee.restocking": "{item}: restocking fee of {percent} % for the reason “{reason}”: {amount}.",
    "fee.restocking.merchant_fault": "{item}: no restocking fee, the reason is “{reason}”.",
    "shipping.refunded.always": "Original shipping refunded: {amount}.",
    "shipping.refunded.merchant_fault": "Original shipping refunded because the problem is ours: {amount}.",
    "shipping.refunded.full_return": "Original shipping refunded because the whole order is returned: {amount}.",
    "shipping.not_refunded": "Original shipping is not refunded.",
    "shipping.already_refunded": "The order's shipping was already refunded.",
    # EU withdrawal (French Code de la consommation)
    "eu.withdrawal": (
        "{item}: legal right of withdrawal (Code de la consommation L221-18): {days} days from receipt on "
        "{anchor}, until {deadline}."
    ),
    "eu.withdrawal.not_informed": (
        "{item}: withdrawal period extended by 12 months because the right was not explained (L221-20), "
        "until {deadline}."
    ),
    "eu.withdrawal.expired": "{item}: the legal withdrawal period ended on {deadline}.",
    "eu.excluded": "{item}: excluded from the legal right of withdrawal (L221-28).",
    "eu.refund_due": (
        "Refund due by {due}, within {days} days of the request (L221-24); it may wait until the goods "
        "arrive or proof of dispatch is given."
    ),
    "eu.refund_original_payment": "{item}: refunded to the original means of payment (L221-24).",
    "eu.credit_chosen": "{item}: store credit chosen by the customer; a refund remains available (L221-24).",
    "eu.delivery_refunded": "Delivery refunded up to the cheapest standard delivery: {amount} (L221-24).",
    "eu.no_restocking": "{item}: no restocking fee during the legal withdrawal period.",
    "eu.no_auto_decline": (
        "Rule “{rule}” would decline, but a legal withdrawal is never declined automatically: sent for review."
    ),
    "eu.limit_not_applied": "The return limit does not apply to a legal withdrawal.",
    # decisions
    "rule.approve": "Approved automatically (rule “{rule}”).",
    "rule.decline": "Declined (rule “{rule}”): {message}",
    "rule.review": "Sent for review (rule “{rule}”).",
    "default.approve": "No special rule applies: approved.",
    "default.decline": "No special rule applies: declined.",
    "default.review": "No special rule applies: sent for review.",
    "decision.ineligible": "Declined: some items cannot be returned under this policy.",
    "agent.override": "Decision set to “{decision}” by agent {agent} (the policy said “{previous}”): {reason}",
    # policy summary (describe)
    "policy.window.delivery": "Returns are accepted within {days} days of delivery (or of shipping plus {buffer} days when the delivery date is unknown).",
    "policy.window.fulfillment": "Returns are accepted within {days} days of shipping plus {buffer} days for delivery.",
    "policy.window.order": "Returns are accepted within {days} days of the order date.",
    "policy.override.sku": "Item {match}: {days} days.",
    "policy.override.tag": "Items marked “{match}”: {days} days.",
    "policy.override.collection": "“{match}” collection: {days} days.",
    "policy.override.product_type": "{match}: {days} days.",
    "policy.holiday": "Orders placed between {start} and {end} can be returned until {until}.",
    "policy.excluded.final_sale": "Final-sale items cannot be returned.",
    "policy.excluded.tags": "Items marked {values} cannot be returned.",
    "policy.excluded.product_types": "{values} cannot be returned.",
    "policy.limit": "At most {max} returns per customer in {days} days.",
    "policy.outcomes": "You can choose {outcomes}.",
    "policy.outcome_rule.reasons": "When the reason is {reasons}: {outcomes} only.",
    "policy.outcome_rule.products": "For {products}: {outcomes} only.",
    "policy.outcome_rule.both": "For {products} when the reason is {reasons}: {outcomes} only.",
    "policy.exchange.variant": "Exchanges are for another size or colour of the same product.",
    "policy.exchange.any_product": "Exchanges can be for any product; a price difference is charged or refunded.",
    "policy.bonus.percent": "Get a {percent} % bonus when you choose {outcomes}.",
    "policy.bonus.flat": "Get {amount} extra when you choose {outcomes}.",
    "policy.keep_item": "Returns worth less than {amount} do not need to be sent back.",
    "policy.fee.free": "Return shipping is free.",
    "policy.fee.return_shipping": "Return shipping costs {amount}; it is free when the item is faulty, damaged or wrong.",
    "policy.fee.return_shipping.waived": "Return shipping costs {amount}; it is free when you choose {outcomes} or when the item is faulty, damaged or wrong.",
    "policy.restocking": "A restocking fee of {percent} % applies when the reason is “{reason}”.",
    "policy.restocking.never_faulty": "No restocking fee for faulty, damaged or wrong items.",
    "policy.shipping_refund.never": "The original shipping cost is not refunded.",
    "policy.methods": "Ways to send an item back: {methods}.",
    "policy.method.fee": "Fee for {method}: {amount}.",
    "policy.method.free": "No fee for {method}.",
    "policy.shipping_refund.always": "The original shipping cost is refunded.",
    "policy.shipping_refund.merchant_fault": "The original shipping cost is refunded when the item is faulty, damaged or wrong.",
    "policy.shipping_refund.full_return": "The original shipping cost is refunded when the whole order is returned.",
    "policy.eu.withdrawal": "Right of withdrawal: {days} days from receipt, no reason needed (Code de la consommation L221-18); refund including standard delivery within {refund_days} days (L221-24).",
    "policy.eu.not_informed": "The withdrawal period is extended by 12 months (L221-20).",
    "policy.eu.excluded": "No right of withdrawal for {values} (L221-28).",
}
