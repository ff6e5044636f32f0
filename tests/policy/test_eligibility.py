"""Windows (delivery, fulfilment + buffer, overrides, holidays), exclusions, quantities, customer limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from connector.domain import ReasonCode, Resolution
from connector.domain.resolutions import ResolutionKind
from connector.policy import Decision, evaluate, line_eligibility
from tests.policy.builders import at, ctx, draft, line, order, policy, want

WINDOWS = """
[windows]
days = 30
transit_buffer_days = 5
overrides = [
  { kind = "product_type", match = "Shoes", days = 15 },
  { kind = "collection", match = "sale", days = 14 },
  { kind = "tag", match = "extended", days = 60 },
  { kind = "tag", match = "vip", days = 90 },
  { kind = "sku", match = "SKU-7", days = 7 },
]
"""


def deadline_of(toml: str, **line_kw: object) -> date | None:
    o = order(line("L1", **line_kw))  # type: ignore[arg-type]
    (result,) = line_eligibility(policy(toml), o, at(2026, 3, 4))
    return result.deadline


@pytest.mark.parametrize(
    ("case", "line_kw", "expected"),
    [
        ("from delivery", {"delivered": at(2026, 3, 3)}, date(2026, 4, 2)),
        ("fulfilment + buffer when delivery unknown", {"fulfilled_at": at(2026, 3, 1)}, date(2026, 4, 5)),
        ("product type override", {"delivered": at(2026, 3, 3), "product_type": "shoes"}, date(2026, 3, 18)),
        (
            "collection beats product type",
            {"delivered": at(2026, 3, 3), "product_type": "Shoes", "collections": frozenset({"Sale"})},
            date(2026, 3, 17),
        ),
        (
            "tag beats collection",
            {"delivered": at(2026, 3, 3), "collections": frozenset({"sale"}), "tags": frozenset({"extended"})},
            date(2026, 5, 2),
        ),
        (
            "two tags: the longer window",
            {"delivered": at(2026, 3, 3), "tags": frozenset({"extended", "VIP"})},
            date(2026, 6, 1),
        ),
        (
            "sku beats everything",
            {
                "delivered": at(2026, 3, 3),
                "sku": "SKU-7",
                "tags": frozenset({"vip"}),
                "collections": frozenset({"sale"}),
                "product_type": "Shoes",
            },
            date(2026, 3, 10),
        ),
    ],
)
def test_window_deadline(case: str, line_kw: dict[str, object], expected: date) -> None:
    assert deadline_of(WINDOWS, **line_kw) == expected, case


def test_anchor_fulfillment_ignores_delivery_date() -> None:
    toml = '[windows]\nanchor = "fulfillment"\ndays = 10\ntransit_buffer_days = 2'
    assert deadline_of(toml, delivered=at(2026, 3, 9), fulfilled_at=at(2026, 3, 1)) == date(2026, 3, 13)


def test_anchor_order_date() -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)), created=at(2026, 2, 27))
    (result,) = line_eligibility(policy('[windows]\nanchor = "order"\ndays = 30'), o, at(2026, 3, 4))
    assert result.deadline == date(2026, 3, 29)


@pytest.mark.parametrize(
    ("now", "eligible"),
    [(at(2026, 4, 2, 23), True), (datetime(2026, 4, 2, 23, 59, 59, tzinfo=UTC), True), (at(2026, 4, 3, 0), False)],
)
def test_window_closes_at_end_of_last_day(now: datetime, eligible: bool) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)))
    (result,) = line_eligibility(policy(), o, now)
    assert result.eligible is eligible
    assert result.returnable_quantity == (1 if eligible else 0)


def test_window_days_are_counted_in_the_shop_time_zone() -> None:
    # 23:30 UTC on 3 March is already 4 March in Paris: the window runs to 3 April, Paris time.
    o = order(line("L1", delivered=datetime(2026, 3, 3, 23, 30, tzinfo=UTC)))
    (result,) = line_eligibility(policy('timezone = "Europe/Paris"'), o, at(2026, 3, 5))
    assert result.deadline == date(2026, 4, 3)
    assert result.deadline_at == datetime(2026, 4, 3, 22, 0, tzinfo=UTC)  # midnight CEST


HOLIDAY = "[windows]\ndays = 30\nholidays = [{start = 2026-11-15, end = 2026-12-24, until = 2027-01-31}]"


@pytest.mark.parametrize(
    ("created", "delivered", "expected"),
    [
        (at(2026, 12, 1), at(2026, 12, 3), date(2027, 1, 31)),  # ordered in the holiday range
        (at(2026, 11, 15, 0), at(2026, 11, 17), date(2027, 1, 31)),  # first day counts
        (at(2026, 11, 14), at(2026, 11, 17), date(2026, 12, 17)),  # before the range
        (at(2026, 12, 25), at(2026, 12, 28), date(2027, 1, 27)),  # after the range
    ],
)
def test_holiday_extension(created: datetime, delivered: datetime, expected: date) -> None:
    o = order(line("L1", delivered=delivered), created=created)
    (result,) = line_eligibility(policy(HOLIDAY), o, delivered + timedelta(days=1))
    assert result.deadline == expected
    keys = result.explanation.message_keys()
    assert ("window.holiday" in keys) is (expected == date(2027, 1, 31))


def test_holiday_never_shortens_a_longer_window() -> None:
    toml = "[windows]\ndays = 90\nholidays = [{start = 2026-11-15, end = 2026-12-24, until = 2027-01-31}]"
    o = order(line("L1", delivered=at(2026, 12, 3)), created=at(2026, 12, 1))
    (result,) = line_eligibility(policy(toml), o, at(2026, 12, 4))
    assert result.deadline == date(2027, 3, 3)


EXCLUDE = '[exclusions]\ntags = ["personalised"]\nproduct_types = ["Hygiene"]\nskus = ["GIFT-1"]'


@pytest.mark.parametrize(
    ("line_kw", "key"),
    [
        ({"final_sale": True}, "exclusion.final_sale"),
        ({"tags": frozenset({"Personalised"})}, "exclusion.tag"),
        ({"product_type": "hygiene"}, "exclusion.product_type"),
        ({"sku": "GIFT-1"}, "exclusion.sku"),
    ],
)
def test_items_that_cannot_be_returned(line_kw: dict[str, object], key: str) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), **line_kw))  # type: ignore[arg-type]
    p = policy(EXCLUDE)
    (result,) = line_eligibility(p, o, at(2026, 3, 5))
    assert not result.eligible and result.returnable_quantity == 0
    assert key in result.explanation.message_keys()
    evaluation = evaluate(p, o, draft(want("L1")), ctx(at(2026, 3, 5)))
    assert evaluation.decision is Decision.DECLINE
    assert evaluation.decline_reason == key


def test_final_sale_flag_can_be_ignored_by_policy() -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), final_sale=True))
    (result,) = line_eligibility(policy("[exclusions]\nfinal_sale = false"), o, at(2026, 3, 5))
    assert result.eligible


def test_unshipped_line_cannot_be_returned() -> None:
    o = order(line("L1", qty=2, fulfilled=0, fulfilled_at=None))
    (result,) = line_eligibility(policy(), o, at(2026, 3, 5))
    assert not result.eligible
    assert result.explanation.message_keys() == ["window.not_shipped"]


@pytest.mark.parametrize(
    ("returned", "pending", "asked", "decision", "available"),
    [
        (0, 0, 3, Decision.REVIEW, 3),
        (1, 0, 2, Decision.REVIEW, 2),
        (1, 0, 3, Decision.DECLINE, 2),
        (1, 1, 1, Decision.REVIEW, 1),
        (1, 1, 2, Decision.DECLINE, 1),
        (2, 1, 1, Decision.DECLINE, 0),
    ],
)
def test_quantities_already_returned_and_pending(
    returned: int, pending: int, asked: int, decision: Decision, available: int
) -> None:
    o = order(line("L1", qty=3, returned=returned, delivered=at(2026, 3, 3)))
    p = policy()
    (result,) = line_eligibility(p, o, at(2026, 3, 5), pending_quantities={"L1": pending})
    assert result.returnable_quantity == available
    evaluation = evaluate(p, o, draft(want("L1", qty=asked)), ctx(at(2026, 3, 5), pending_quantities={"L1": pending}))
    assert evaluation.decision is decision
    if decision is Decision.DECLINE:
        assert evaluation.decline_reason == ("quantity.too_many" if available else "quantity.none_left")


def test_two_return_lines_on_one_order_line_are_added_up() -> None:
    o = order(line("L1", qty=2, delivered=at(2026, 3, 3)))
    d = draft(want("L1", qty=1, line_id="a"), want("L1", qty=2, line_id="b"))
    assert evaluate(policy(), o, d, ctx(at(2026, 3, 5))).decline_reason == "quantity.too_many"


LIMIT = "[customer_limit]\nmax_returns = 2\nperiod_days = 30"


@pytest.mark.parametrize(
    ("ago_days", "decision"),
    [
        ((), Decision.REVIEW),
        ((40, 10), Decision.REVIEW),  # only one return in the last 30 days
        ((29, 10), Decision.DECLINE),
        ((30, 10), Decision.REVIEW),  # exactly 30 days ago is outside the period
    ],
)
def test_customer_limit(ago_days: tuple[int, ...], decision: Decision) -> None:
    now = at(2026, 3, 10)
    o = order(line("L1", delivered=at(2026, 3, 3)))
    history = tuple(now - timedelta(days=d) for d in ago_days)
    evaluation = evaluate(policy(LIMIT), o, draft(want("L1")), ctx(now, customer_returns=history))
    assert evaluation.decision is decision
    if decision is Decision.DECLINE:
        assert evaluation.decline_reason == "limit.reached"


OUTCOMES = """
[outcomes]
allowed = ["refund", "store_credit", "exchange"]
rules = [
  { reasons = ["defective"], allowed = ["refund", "store_credit", "exchange"] },
  { product_types = ["Swimwear"], allowed = ["exchange"] },
  { reasons = ["unwanted", "style"], allowed = ["store_credit", "exchange"] },
]
"""


@pytest.mark.parametrize(
    ("reason", "product_type", "resolution", "allowed"),
    [
        (ReasonCode.UNWANTED, None, Resolution.refund(), False),
        (ReasonCode.UNWANTED, None, Resolution.store_credit(), True),
        (ReasonCode.SIZE_TOO_SMALL, None, Resolution.refund(), True),
        (ReasonCode.DEFECTIVE, "Swimwear", Resolution.refund(), True),  # first matching rule wins
        (ReasonCode.SIZE_TOO_SMALL, "Swimwear", Resolution.store_credit(), False),
        (ReasonCode.SIZE_TOO_SMALL, "Swimwear", Resolution.exchange(variant_id="V2"), True),
    ],
)
def test_allowed_outcomes_by_reason_and_product(
    reason: ReasonCode, product_type: str | None, resolution: Resolution, allowed: bool
) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), product_type=product_type))
    evaluation = evaluate(
        policy(OUTCOMES), o, draft(want("L1", reason=reason, resolution=resolution)), ctx(at(2026, 3, 5))
    )
    assert (evaluation.decline_reason != "outcome.not_allowed") is allowed
    assert (resolution.kind in evaluation.lines[0].allowed_outcomes) is allowed


def test_portal_sees_outcomes_per_reason() -> None:
    o = order(line("L1", delivered=at(2026, 3, 3)))
    (result,) = line_eligibility(policy(OUTCOMES), o, at(2026, 3, 5))
    by_reason = dict(result.outcomes_by_reason)
    assert by_reason[ReasonCode.UNWANTED] == {ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE}
    assert by_reason[ReasonCode.DEFECTIVE] == set(ResolutionKind)
    assert result.allowed_outcomes == set(ResolutionKind)


@pytest.mark.parametrize(("scope", "declined"), [("variant", True), ("any_product", False)])
def test_exchange_for_another_product_depends_on_scope(scope: str, declined: bool) -> None:
    o = order(line("L1", delivered=at(2026, 3, 3), product_id="P1"))
    p = policy(f'[outcomes]\nexchange_scope = "{scope}"')
    other = evaluate(p, o, draft(want("L1", resolution=Resolution.exchange(product_id="P9"))), ctx(at(2026, 3, 5)))
    same = evaluate(p, o, draft(want("L1", resolution=Resolution.exchange(variant_id="V2"))), ctx(at(2026, 3, 5)))
    assert (other.decline_reason == "outcome.other_product") is declined
    assert same.decision is not Decision.DECLINE


@pytest.mark.parametrize(("returns", "eligible"), [(1, True), (2, False)])
def test_portal_applies_the_customer_limit(returns: int, eligible: bool) -> None:
    now = at(2026, 3, 10)
    o = order(line("L1", delivered=at(2026, 3, 3)))
    history = tuple(now - timedelta(days=d + 1) for d in range(returns))
    (result,) = line_eligibility(policy(LIMIT), o, now, customer_returns=history)
    assert result.eligible is eligible
    assert result.returnable_quantity == (1 if eligible else 0)
    assert ("limit.reached" in result.explanation.message_keys()) is not eligible
