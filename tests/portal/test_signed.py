"""The portal's signed values: round trip, tampering, expiry, purpose and shop binding, key rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connector.pages.signed import (
    FORM,
    LANGUAGE,
    ORDER_ACCESS,
    WOO_RETURN_LINK,
    OrderAccess,
    PortalSigner,
    Rejected,
    SignedValueRejected,
)

SHOP = "shop-1"
OTHER_SHOP = "shop-2"
KEY = "k" * 64
OLD_KEY = "o" * 64


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def signer(clock: Clock) -> PortalSigner:
    return PortalSigner([KEY], clock=clock)


def rejected(call: object) -> Rejected:
    assert callable(call)
    with pytest.raises(SignedValueRejected) as caught:
        call()
    return caught.value.reason


def tamper(token: str) -> str:
    """One character of the payload changed, the signature kept."""
    head, _, rest = token.partition(".")
    flipped = "A" if head[1] != "A" else "B"
    return f"{head[0]}{flipped}{head[2:]}.{rest}"


def test_a_form_token_round_trips_for_its_shop_and_subject(signer: PortalSigner) -> None:
    token = signer.form_token(SHOP, "order:1001")
    signer.check_form_token(token, SHOP, "order:1001")


def test_a_form_token_is_refused_for_another_subject_shop_or_after_tampering(signer: PortalSigner) -> None:
    token = signer.form_token(SHOP, "order:1001")
    assert rejected(lambda: signer.check_form_token(token, SHOP, "order:1002")) is Rejected.WRONG_SUBJECT
    assert rejected(lambda: signer.check_form_token(token, OTHER_SHOP, "order:1001")) is Rejected.WRONG_SHOP
    assert rejected(lambda: signer.check_form_token(tamper(token), SHOP, "order:1001")) is Rejected.INVALID
    assert rejected(lambda: signer.check_form_token("", SHOP, "order:1001")) is Rejected.INVALID


def test_a_form_token_expires_with_its_purpose(signer: PortalSigner, clock: Clock) -> None:
    token = signer.form_token(SHOP, "order:1001")
    clock.now += FORM.ttl
    signer.check_form_token(token, SHOP, "order:1001")
    clock.now += timedelta(seconds=1)
    assert rejected(lambda: signer.check_form_token(token, SHOP, "order:1001")) is Rejected.EXPIRED


def test_a_token_from_the_future_is_refused(signer: PortalSigner, clock: Clock) -> None:
    token = signer.form_token(SHOP, "order:1001")
    clock.now -= timedelta(minutes=5)
    assert rejected(lambda: signer.check_form_token(token, SHOP, "order:1001")) is Rejected.EXPIRED


def test_a_value_signed_for_one_purpose_is_worthless_for_another(signer: PortalSigner) -> None:
    access = signer.order_access_token(SHOP, OrderAccess("1001"))
    assert rejected(lambda: signer.loads(FORM, access, SHOP)) is Rejected.INVALID
    assert rejected(lambda: signer.read_woo_return_link(access, SHOP)) is Rejected.INVALID
    form = signer.form_token(SHOP, "1001")
    assert rejected(lambda: signer.read_order_access(form, SHOP)) is Rejected.INVALID


def test_order_access_round_trips_with_and_without_a_customer(signer: PortalSigner) -> None:
    for access in (OrderAccess("1001"), OrderAccess("1001", customer_id="77")):
        assert signer.read_order_access(signer.order_access_token(SHOP, access), SHOP) == access


def test_order_access_is_bound_to_its_shop_and_expires(signer: PortalSigner, clock: Clock) -> None:
    token = signer.order_access_token(SHOP, OrderAccess("1001"))
    assert rejected(lambda: signer.read_order_access(token, OTHER_SHOP)) is Rejected.WRONG_SHOP
    assert rejected(lambda: signer.read_order_access(tamper(token), SHOP)) is Rejected.INVALID
    clock.now += ORDER_ACCESS.ttl + timedelta(seconds=1)
    assert rejected(lambda: signer.read_order_access(token, SHOP)) is Rejected.EXPIRED


def test_the_language_round_trips_and_expires(signer: PortalSigner, clock: Clock) -> None:
    token = signer.language_token("fr")
    assert signer.read_language(token) == "fr"
    assert rejected(lambda: signer.read_language(tamper(token))) is Rejected.INVALID
    clock.now += LANGUAGE.ttl + timedelta(seconds=1)
    assert rejected(lambda: signer.read_language(token)) is Rejected.EXPIRED


def test_a_woocommerce_return_link_names_its_order_and_matches_only_its_email(
    signer: PortalSigner, clock: Clock
) -> None:
    token = signer.woo_return_link_token(SHOP, "4321", "Jane.Doe@Example.com ")
    link = signer.read_woo_return_link(token, SHOP)
    assert link.order_id == "4321"
    assert "jane" not in token.lower() and "jane" not in link.email_hash
    assert signer.email_matches(link, "jane.doe@example.com")
    assert not signer.email_matches(link, "john@example.com")
    assert rejected(lambda: signer.read_woo_return_link(token, OTHER_SHOP)) is Rejected.WRONG_SHOP
    clock.now += timedelta(days=365)
    assert signer.read_woo_return_link(token, SHOP) == link
    clock.now = clock.now - timedelta(days=365) + WOO_RETURN_LINK.ttl + timedelta(seconds=1)
    assert rejected(lambda: signer.read_woo_return_link(token, SHOP)) is Rejected.EXPIRED


def test_values_signed_before_a_key_rotation_still_read(clock: Clock) -> None:
    before = PortalSigner([OLD_KEY], clock=clock)
    token = before.woo_return_link_token(SHOP, "4321", "jane@example.com")
    after = PortalSigner([KEY, OLD_KEY], clock=clock)
    link = after.read_woo_return_link(token, SHOP)
    assert after.email_matches(link, "jane@example.com")
    assert PortalSigner([KEY, OLD_KEY], clock=clock).read_language(after.language_token("en")) == "en"
    retired = PortalSigner([KEY], clock=clock)
    assert rejected(lambda: retired.read_woo_return_link(token, SHOP)) is Rejected.INVALID


def test_a_signer_needs_a_key() -> None:
    with pytest.raises(ValueError):
        PortalSigner([])
    with pytest.raises(ValueError):
        PortalSigner([""])
