"""Explanations: structured items rendered for shoppers and agents in French and English."""

from __future__ import annotations

from connector.domain import ReasonCode, Resolution
from connector.policy import evaluate, line_eligibility
from connector.policy.explain import CATALOGUES, Explanation, Item, Label
from tests.policy.builders import at, ctx, draft, line, order, policy, want


def test_window_sentence_in_french_and_english() -> None:
    o = order(line("L1", title="Robe lin", delivered=at(2026, 3, 3)))
    (result,) = line_eligibility(policy('timezone = "Europe/Paris"'), o, at(2026, 3, 10))
    assert result.explanation.lines("fr")[0] == (
        "Retour accepté (Robe lin) : livré le 3 mars, délai de 30 jours jusqu'au 2 avril."
    )
    assert result.explanation.lines("en")[0] == (
        "Return accepted (Robe lin): delivered on 3 March, 30-day window until 2 April."
    )


def test_items_are_structured() -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)))
    e = evaluate(
        policy("[fees]\nrestocking_percent = { unwanted = 10 }"),
        o,
        draft(want("L1", reason=ReasonCode.UNWANTED)),
        ctx(at(2026, 3, 5)),
    )
    fee = e.explanation.find("fee.restocking")
    assert fee is not None
    assert fee.rule == "fees.restocking_percent"
    assert fee.line_id == "L1"  # the order line, as the portal shows it
    assert fee.param("reason") == Label("reason.unwanted")
    stored = e.explanation.to_list()
    restock = next(i for i in stored if i["key"] == "fee.restocking")
    assert restock["params"] == {
        "amount": {"amount": "5.00", "currency": "EUR"},
        "item": "Item L1",
        "percent": "10",
        "reason": {"label": "reason.unwanted"},
    }
    assert "frais de remise en stock de 10 % pour le motif « ne convient plus » : 5,00\xa0€" in e.explanation.render(
        "fr"
    )


def test_money_and_dates_follow_the_locale() -> None:
    o = order(line("L1", price="1234.50", delivered=at(2026, 3, 3)))
    e = evaluate(policy(), o, draft(want("L1", resolution=Resolution.store_credit())), ctx(at(2026, 3, 5)))
    assert "1\u202f234,50\xa0€" in e.explanation.render("fr")
    assert "€1,234.50" in e.explanation.render("en")


def test_unknown_locale_falls_back_to_english() -> None:
    explanation = Explanation((Item.of("x", "fee.free_returns"),))
    assert explanation.render("de") == "Free return shipping."


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    import string

    en, fr = CATALOGUES["en"], CATALOGUES["fr"]
    assert set(en) == set(fr)
    for key in en:
        names_en = {f[1] for f in string.Formatter().parse(en[key]) if f[1]}
        names_fr = {f[1] for f in string.Formatter().parse(fr[key]) if f[1]}
        assert names_en == names_fr, key
