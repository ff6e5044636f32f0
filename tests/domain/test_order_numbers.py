"""One form per order number: the spellings a customer may type of one order all reduce to it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector.domain.order_numbers import normalize_order_number, stored_spellings


@pytest.mark.parametrize(
    "typed",
    ["418", "#418", "# 418", "#  418", "#\t418", "#\xa0418", " #418 ", "## 418", "#\u3000418", "\u200b#418\ufeff",
     "\uff03\uff14\uff11\uff18", "0418", "#000418", "\u0664\u0661\u0668"],
)
def test_spellings_of_one_number_share_one_form(typed: str) -> None:
    assert normalize_order_number(typed) == "418"


def test_labels_fold_case_and_keep_their_zeros() -> None:
    assert normalize_order_number("#WC-0727") == normalize_order_number("wc-0727") == "wc-0727"
    assert normalize_order_number("WC\xa0 727") == "wc 727"


def test_numbers_that_differ_stay_apart() -> None:
    assert len({normalize_order_number(n) for n in ("418", "4180", "41 8", "wc-418", "0")}) == 5
    assert normalize_order_number("#") == normalize_order_number(" \t") == ""


@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(typed: str) -> None:
    once = normalize_order_number(typed)
    assert normalize_order_number(once) == once


def test_stored_spellings_cover_the_shops_usual_forms() -> None:
    assert stored_spellings("# 01001") == ["#01001", "#1001", "01001", "1001"]
    assert {"WC-727", "#WC-727", "wc-727"} <= set(stored_spellings("wc-727"))
    assert stored_spellings("#") == stored_spellings("  ") == []
