"""Return methods in the policy: which are offered, each one's fee, and the decision charging that fee."""

from __future__ import annotations

import pytest

from connector.domain import Money, ReturnMethod
from connector.policy import PolicyError, evaluate
from connector.policy.methods import offered_methods
from connector.policy.schema import policy_from_dict, policy_to_dict
from tests.policy.builders import at, ctx, draft, eur, line, order, policy, want

NOW = at(2026, 3, 5)
METHODS = """methods = ["relay_point", "prepaid_label", "home_pickup"]
[fees]
return_shipping = { EUR = "4.90", USD = "5.95" }
waive_shipping_for = ["store_credit"]
[fees.by_method]
relay_point = { EUR = "0" }
home_pickup = { EUR = "7.50" }
"""


def test_only_the_prepaid_label_is_offered_unless_the_policy_says_otherwise() -> None:
    assert policy().methods == frozenset({ReturnMethod.PREPAID_LABEL})
    assert [(o.method, o.fee, o.free) for o in offered_methods(policy(), "EUR")] == [
        (ReturnMethod.PREPAID_LABEL, Money.zero("EUR"), True)
    ]


def test_each_offered_method_has_its_own_fee_or_the_return_shipping_fee() -> None:
    offers = offered_methods(policy(METHODS), "EUR")
    assert [(o.method, o.fee) for o in offers] == [
        (ReturnMethod.PREPAID_LABEL, eur("4.90")),
        (ReturnMethod.RELAY_POINT, eur("0")),
        (ReturnMethod.HOME_PICKUP, eur("7.50")),
    ]
    assert offers[1].free and not offers[0].free
    # A currency the method's table does not name costs the return shipping fee.
    assert [o.fee for o in offered_methods(policy(METHODS), "USD")] == [Money("5.95", "USD")] * 3


@pytest.mark.parametrize(
    ("method", "fee", "setting"),
    [
        (ReturnMethod.PREPAID_LABEL, "4.90", "fees.return_shipping"),
        (ReturnMethod.HOME_PICKUP, "7.50", "fees.by_method"),
        (ReturnMethod.RELAY_POINT, "0", "fees.by_method"),
    ],
)
def test_the_decision_charges_the_chosen_methods_fee(method: ReturnMethod, fee: str, setting: str) -> None:
    o = order(line("L1", price="50.00", delivered=at(2026, 3, 3)))
    e = evaluate(policy(METHODS), o, draft(want("L1"), method=method), ctx(NOW))
    assert e.fees.return_shipping == eur(fee) == e.amounts.return_shipping_fee
    assert e.amounts.refund == eur("50.00") - eur(fee)
    charged = [item for item in e.explanation.items if item.key in ("fee.return_shipping", "fee.free_returns")]
    assert [item.rule for item in charged] == [setting]


def test_a_methods_fee_is_waived_like_the_return_shipping_fee() -> None:
    from connector.domain import Resolution

    o = order(line("L1", price="50.00", delivered=at(2026, 3, 3)))
    credit = want("L1", resolution=Resolution.store_credit())
    e = evaluate(policy(METHODS), o, draft(credit, method=ReturnMethod.HOME_PICKUP), ctx(NOW))
    assert e.fees.return_shipping == eur("0")
    assert "fee.return_shipping.waived" in e.explanation.message_keys()


def test_methods_and_their_fees_survive_storage() -> None:
    original = policy(METHODS)
    stored = policy_to_dict(original)
    assert stored["methods"] == ["home_pickup", "prepaid_label", "relay_point"]
    assert policy_from_dict(stored) == original


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"methods": []}, "methods: Shorter than minimum length 1."),
        ({"methods": ["teleport"]}, "methods[0]: Must be one of"),
        ({"fees": {"by_method": {"relay_point": {"EUR": "1"}}}}, "fees.by_method: Not in methods: relay_point."),
        ({"methods": ["in_store"], "fees": {"by_method": {"in_store": {"EUR": "-1"}}}},
         "fees.by_method.in_store.value.EUR: Must be greater than or equal to 0."),
        ({"methods": ["in_store"], "fees": {"by_method": {"instore": {"EUR": "1"}}}}, "fees.by_method.instore.key"),
    ],
)
def test_a_wrong_method_setting_names_its_key(document: dict[str, object], problem: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_dict({"name": "test", **document})
    assert problem in str(caught.value)


def test_the_policy_page_lists_the_methods_and_their_fees_in_both_languages() -> None:
    from connector.policy import describe

    english = describe(policy(METHODS), "EUR").lines("en")
    french = describe(policy(METHODS), "EUR").lines("fr")

    assert "Ways to send an item back: prepaid label (by post), relay point, and home pickup." in english
    assert {"Fee for prepaid label (by post): €4.90.", "No fee for relay point.", "Fee for home pickup: €7.50."} <= set(
        english
    )
    assert "Modes de retour : étiquette prépayée (envoi postal), point relais et enlèvement à domicile." in french
    assert "Frais pour enlèvement à domicile : 7,50\xa0€." in french and "Aucun frais pour point relais." in french


def test_without_fees_of_their_own_the_page_names_the_methods_only() -> None:
    from connector.policy import describe

    lines = describe(policy(), "EUR").lines("en")
    assert "Ways to send an item back: prepaid label (by post)." in lines
    assert not [line for line in lines if line.startswith(("Fee for", "No fee for"))]
