"""The draft carried between screens 2 to 4: read back exactly as sealed, and only for its shop and order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connector.pages.portal.draft import DRAFT, Draft, DraftLine, new_draft_id, seal, unseal
from connector.pages.signed import PortalSigner, Rejected, SignedValueRejected

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    now = START

    def __call__(self) -> datetime:
        return self.now


def _draft(**changes: object) -> Draft:
    lines = (
        DraftLine("L1", 2, "defective", "Broken strap", "exchange", "V-9", ("image/png|123|ab/cd/ef.png",)),
        DraftLine("L2", 1, "unwanted", outcome="keep"),
    )
    values: dict[str, object] = {"draft_id": new_draft_id(), "shop_id": "shop-a", "order_id": "O1", "lines": lines,
                                 "method": "relay_point"}
    values.update(changes)
    return Draft(**values)  # type: ignore[arg-type]


def test_a_sealed_draft_reads_back_the_same() -> None:
    signer = PortalSigner(["k1"], clock=Clock())
    draft = _draft()
    assert unseal(seal(draft, signer), signer, "shop-a", "O1") == draft
    assert unseal(seal(_draft(method=None), signer), signer, "shop-a", "O1").method is None


@pytest.mark.parametrize(("shop_id", "order_id", "reason"), [
    ("shop-b", "O1", Rejected.WRONG_SHOP),
    ("shop-a", "O2", Rejected.WRONG_SUBJECT),
])
def test_a_draft_is_bound_to_its_shop_and_order(shop_id: str, order_id: str, reason: Rejected) -> None:
    signer = PortalSigner(["k1"], clock=Clock())
    with pytest.raises(SignedValueRejected) as refused:
        unseal(seal(_draft(), signer), signer, shop_id, order_id)
    assert refused.value.reason is reason


def test_a_draft_expires_after_two_hours() -> None:
    clock = Clock()
    signer = PortalSigner(["k1"], clock=clock)
    token = seal(_draft(), signer)
    clock.now = START + timedelta(hours=1, minutes=59)
    assert unseal(token, signer, "shop-a", "O1").lines
    clock.now = START + timedelta(hours=2, seconds=1)
    with pytest.raises(SignedValueRejected) as refused:
        unseal(token, signer, "shop-a", "O1")
    assert refused.value.reason is Rejected.EXPIRED


def test_a_value_signed_for_another_purpose_or_key_is_not_a_draft() -> None:
    signer = PortalSigner(["k1"], clock=Clock())
    for token in (signer.form_token("shop-a", "O1"), seal(_draft(), PortalSigner(["k2"], clock=Clock())), ""):
        with pytest.raises(SignedValueRejected) as refused:
            unseal(token, signer, "shop-a", "O1")
        assert refused.value.reason is Rejected.INVALID


@pytest.mark.parametrize("claims", [
    {"o": "O1", "d": "not json"},
    {"o": "O1", "d": '{"v": 2, "id": "x", "l": []}'},
    {"o": "O1", "d": '{"v": 1, "id": "x", "l": [{"i": "L1", "q": 0, "r": "unwanted"}]}'},
    {"o": "O1", "d": '{"v": 1, "id": "x", "l": [{"i": "L1", "q": true, "r": "unwanted"}]}'},
    {"o": "O1", "d": '{"v": 1, "id": "x", "l": [{"i": "L1", "q": 1, "r": "unwanted", "p": ["a", "b", "c", "d"]}]}'},
    {"o": "O1", "d": '{"v": 1, "id": "", "l": []}'},
    {"o": "O1"},
])
def test_a_signed_value_of_another_shape_is_refused_as_invalid(claims: dict[str, str]) -> None:
    """Signed by us but not a draft of this format (an older release's): refused, never misread."""
    from connector.pages.portal.draft import DRAFT

    signer = PortalSigner(["k1"], clock=Clock())
    with pytest.raises(SignedValueRejected) as refused:
        unseal(signer.dumps(DRAFT, "shop-a", claims), signer, "shop-a", "O1")
    assert refused.value.reason is Rejected.INVALID


def test_a_replacement_of_another_product_reads_back_and_an_older_draft_still_opens() -> None:
    signer = PortalSigner(["k1"], clock=Clock())
    other = DraftLine("L1", 1, "style", outcome="exchange", exchange_variant_id="V-SM", exchange_product_id="P-2",
                      exchange_title=("Sweater", "M / Blue"))
    draft = _draft(lines=(other,))
    assert unseal(seal(draft, signer), signer, "shop-a", "O1") == draft
    sealed_before = {"v": 1, "id": draft.draft_id, "m": None,  # before the replacement's product and titles
                     "l": [{"i": "L1", "q": 1, "r": "style", "n": "", "o": "exchange", "x": "V-9", "p": []}]}
    older = {"o": "O1", "d": json.dumps(sealed_before)}
    [line] = unseal(signer.dumps(DRAFT, "shop-a", older), signer, "shop-a", "O1").lines
    assert line == DraftLine("L1", 1, "style", outcome="exchange", exchange_variant_id="V-9")
    assert line.exchange_product_id is None and line.exchange_title == ("", "")
