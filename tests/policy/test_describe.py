"""The customer-facing summary says what the engine applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.policy import describe, load
from tests.policy.builders import policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def test_summary_of_the_default_policy_in_french() -> None:
    lines = describe(load(POLICIES / "default.toml"), "EUR").lines("fr")
    assert lines[0] == (
        "Retours acceptés dans les 30 jours suivant la livraison "
        "(ou l'expédition plus 5 jours si la date de livraison est inconnue)."
    )
    assert "Collection « sale » : 14 jours." in lines
    assert "Vous pouvez choisir un remboursement, un avoir ou un échange." in lines
    assert "Bonus de 10 % si vous choisissez un avoir ou un échange." in lines
    assert "Pour un retour de moins de 10,00\xa0€, inutile de renvoyer l'article." in lines
    assert "Des frais de remise en stock de 10 % s'appliquent pour le motif « ne convient plus »." in lines


def test_summary_follows_the_currency() -> None:
    text = describe(load(POLICIES / "default.toml"), "JPY").render("en")
    assert "Return shipping costs ¥700" in text
    assert "Returns worth less than ¥1,500 do not need to be sent back." in text


def test_currency_without_fee_reads_as_free_returns() -> None:
    text = describe(load(POLICIES / "default.toml"), "CHF").render("en")
    assert "Return shipping is free." in text
    assert "do not need to be sent back" not in text  # no keep-item threshold in CHF


def test_withdrawal_is_described_with_its_articles() -> None:
    text = describe(load(POLICIES / "eu-fr-withdrawal.toml"), "EUR").render("fr")
    assert "Droit de rétractation : 14 jours à compter de la réception" in text
    assert "L221-28" in text


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[windows]\nanchor = "order"', "policy.window.order"),
        ('[windows]\nanchor = "fulfillment"', "policy.window.fulfillment"),
        ("[customer_limit]\nmax_returns = 3", "policy.limit"),
        ('[fees]\nshipping_refund = "full_return"', "policy.shipping_refund.full_return"),
        ('[outcomes]\nallowed = ["refund"]', "policy.outcomes"),
    ],
)
def test_each_setting_has_a_sentence(toml: str, key: str) -> None:
    assert key in describe(policy(toml), "EUR").message_keys()


def test_exchange_sentence_only_when_exchanges_are_offered() -> None:
    keys = describe(policy('[outcomes]\nallowed = ["refund", "store_credit"]'), "EUR").message_keys()
    assert not any(k.startswith("policy.exchange.") for k in keys)
