"""The agents' queue (connector.services.return_queue) on SQLite and PostgreSQL: every filter and the search
against the same question asked of the returns in Python, newest-first order with the id as tiebreak, pages
walked both ways and stable while returns arrive, counts by status, and one shop never seeing another's."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from connector.domain import Money, Platform, ReasonCode, Resolution, ReturnLine, ReturnMethod, ReturnStatus
from connector.domain.refund_deadline import DeadlineRisk
from connector.domain.resolutions import LineAmounts, ReturnAmounts
from connector.domain.returns import ReturnRequest
from connector.services.return_queue import QueuePage, QueueQuery, QueueRow, queue_page, read_cursor, write_cursor
from connector.store.crypto import CredentialCipher
from connector.store.uow import UnitOfWork
from tests.factories import NOW

SHOP, OTHER = "shop-a", "shop-b"
EMAILS = ("ana.lopez@example.com", "Ana@Example.org", "bob_smith@example.com", "chloé@exemple.fr", "zoe@example.com")
REASONS = (ReasonCode.SIZE_TOO_SMALL, ReasonCode.DEFECTIVE, ReasonCode.UNWANTED, ReasonCode.COLOUR)


@dataclass(frozen=True)
class Seed:
    """What a stored return was made of: the oracle the queue is checked against."""

    id: str
    shop_id: str
    created_at: datetime
    status: ReturnStatus
    method: ReturnMethod
    reasons: tuple[ReasonCode, ...]
    value: Money | None
    email: str
    order_name: str
    refund_due_by: datetime | None
    money_moved: bool


def _request(seed: Seed) -> ReturnRequest:
    lines = [
        ReturnLine(id=f"{seed.id}-{n}", order_line_id=f"L{n}", quantity=n + 1, reason=reason,
                   resolution=Resolution.refund())
        for n, reason in enumerate(seed.reasons)
    ]
    amounts = None
    if seed.value is not None:
        zero = Money.zero(seed.value.currency)
        first = LineAmounts(lines[0].id, seed.value, zero, zero, zero)
        rest = tuple(LineAmounts(line.id, zero, zero, zero, zero) for line in lines[1:])
        amounts = ReturnAmounts(seed.value.currency, (first, *rest), zero, zero, seed.value, zero, zero)
    return ReturnRequest(
        id=seed.id, shop_id=seed.shop_id, order_id=f"O-{seed.id}", order_name=seed.order_name,
        currency=seed.value.currency if seed.value else "EUR", customer_email=seed.email, method=seed.method,
        lines=lines, created_at=seed.created_at, status=seed.status, amounts=amounts,
        refund_due_by=seed.refund_due_by, money_moved=seed.money_moved,
    )


def _seeds(count: int, shop_id: str, rng: random.Random, prefix: str = "R") -> list[Seed]:
    seeds = []
    for n in range(count):
        due = rng.choice([None, NOW - timedelta(days=rng.randint(1, 9)), NOW + timedelta(days=rng.randint(1, 9))])
        value = rng.choice([None, Money.from_minor(rng.randint(500, 30000), "EUR"), Money(rng.randint(5, 300), "USD")])
        seeds.append(Seed(
            id=f"{prefix}{n:04X}{rng.choice('ABCDEF')}",
            shop_id=shop_id,
            # Several returns share a second: the id must break the tie.
            created_at=NOW - timedelta(minutes=rng.randint(0, 40) * 30),
            status=rng.choice(list(ReturnStatus)),
            method=rng.choice(list(ReturnMethod)),
            reasons=tuple(rng.sample(REASONS, rng.randint(1, 2))),
            value=value,
            email=rng.choice(EMAILS),
            order_name=f"#{1000 + rng.randint(0, 15)}",
            refund_due_by=due,
            money_moved=rng.random() < 0.3,
        ))
    return seeds


def _store(engine: Engine, cipher: CredentialCipher, seeds: list[Seed]) -> None:
    with UnitOfWork(engine, cipher) as uow:
        for seed in seeds:
            uow.returns(seed.shop_id).add(_request(seed))
        uow.commit()


@pytest.fixture
def world(engine: Engine, cipher: CredentialCipher) -> list[Seed]:
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id=SHOP)
        uow.shops.add(Platform.WOOCOMMERCE, "https://b.example", shop_id=OTHER)
        uow.commit()
    rng = random.Random(20)
    seeds = _seeds(60, SHOP, rng)
    # The other shop's returns look just like ours (same e-mails, order numbers, times): none may show.
    _store(engine, cipher, seeds + _seeds(25, OTHER, rng, prefix="X"))
    return seeds


def _page(engine: Engine, cipher: CredentialCipher, query: QueueQuery, shop_id: str = SHOP) -> QueuePage:
    with UnitOfWork(engine, cipher) as uow:
        return queue_page(uow, shop_id, query, NOW)


def _walk(engine: Engine, cipher: CredentialCipher, query: QueueQuery) -> Iterator[QueuePage]:
    page = _page(engine, cipher, query)
    yield page
    while page.next_cursor:
        page = _page(engine, cipher, replace(query, cursor=page.next_cursor))
        yield page


def _all_ids(engine: Engine, cipher: CredentialCipher, query: QueueQuery) -> list[str]:
    return [row.id for page in _walk(engine, cipher, query) for row in page.rows]


def _newest_first(seeds: list[Seed]) -> list[str]:
    return [s.id for s in sorted(seeds, key=lambda s: (s.created_at, s.id), reverse=True)]


def _overdue(s: Seed) -> bool:
    settled = {ReturnStatus.DECLINED, ReturnStatus.CANCELED, ReturnStatus.RESOLVED, ReturnStatus.CLOSED}
    return s.refund_due_by is not None and s.refund_due_by <= NOW and not s.money_moved and s.status not in settled


FILTERS: dict[str, tuple[QueueQuery, Callable[[Seed], bool]]] = {
    "status": (QueueQuery(status=ReturnStatus.RECEIVED), lambda s: s.status is ReturnStatus.RECEIVED),
    "reason": (QueueQuery(reason=ReasonCode.DEFECTIVE), lambda s: ReasonCode.DEFECTIVE in s.reasons),
    "method": (QueueQuery(method=ReturnMethod.RELAY_POINT), lambda s: s.method is ReturnMethod.RELAY_POINT),
    "created range": (
        QueueQuery(created_from=NOW - timedelta(hours=12), created_to=NOW - timedelta(hours=3)),
        lambda s: NOW - timedelta(hours=12) <= s.created_at < NOW - timedelta(hours=3),
    ),
    "value range": (
        QueueQuery(value_min=Money("50", "EUR"), value_max=Money("150.00", "EUR")),
        lambda s: s.value is not None and s.value.currency == "EUR" and 50 <= s.value.amount <= 150,
    ),
    "value above, another currency": (
        QueueQuery(value_min=Money("100", "USD")),
        lambda s: s.value is not None and s.value.currency == "USD" and s.value.amount >= 100,
    ),
    "needs review": (QueueQuery(needs_review=True), lambda s: s.status is ReturnStatus.REQUESTED),
    "overdue under EU rules": (QueueQuery(overdue_eu=True), _overdue),
    "search e-mail, any case": (QueueQuery(search="  ANA@example.ORG "), lambda s: s.email == "Ana@Example.org"),
    "search e-mail prefix with a dot": (QueueQuery(search="ana."), lambda s: s.email.startswith("ana.")),
    "search e-mail prefix ana": (QueueQuery(search="ana"), lambda s: s.email.lower().startswith("ana")),
    "search accented e-mail": (QueueQuery(search="chloé@"), lambda s: s.email.startswith("chloé@")),
    "search order number without #": (QueueQuery(search="1007"), lambda s: s.order_name == "#1007"),
    "search order number with #": (QueueQuery(search="#1012"), lambda s: s.order_name == "#1012"),
    "search nothing found": (QueueQuery(search="nobody"), lambda s: False),
    "combined": (
        QueueQuery(reason=ReasonCode.UNWANTED, method=ReturnMethod.PREPAID_LABEL, search="ana"),
        lambda s: ReasonCode.UNWANTED in s.reasons and s.method is ReturnMethod.PREPAID_LABEL
        and s.email.lower().startswith("ana"),
    ),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_each_filter_finds_exactly_the_matching_returns_newest_first(
    engine: Engine, cipher: CredentialCipher, world: list[Seed], name: str
) -> None:
    query, wanted = FILTERS[name]
    expected = _newest_first([s for s in world if wanted(s)])
    assert name == "search nothing found" or expected, "the seed should give each filter something to find"
    assert _all_ids(engine, cipher, replace(query, page_size=4)) == expected
    first = _page(engine, cipher, query)
    assert first.total == len(expected)
    if query.status is None:  # the tabs: the same filters, each status apart
        assert sum(first.counts.values()) == len(expected)


def test_search_by_return_number_in_any_case(engine: Engine, cipher: CredentialCipher, world: list[Seed]) -> None:
    target = world[17]
    for typed in (target.id, target.id.lower(), f" {target.id} "):
        assert [row.id for row in _page(engine, cipher, QueueQuery(search=typed)).rows] == [target.id]


def test_order_is_newest_first_and_the_id_breaks_ties(
    engine: Engine, cipher: CredentialCipher, world: list[Seed]
) -> None:
    ids = _all_ids(engine, cipher, QueueQuery(page_size=7))
    assert ids == _newest_first(world)
    stamps = [s.created_at for s in world]
    assert len(set(stamps)) < len(stamps), "the seed should have returns in the same instant"


def test_counts_by_status_ignore_the_status_filter_only(
    engine: Engine, cipher: CredentialCipher, world: list[Seed]
) -> None:
    page = _page(engine, cipher, QueueQuery(status=ReturnStatus.APPROVED, method=ReturnMethod.IN_STORE))
    in_store = [s for s in world if s.method is ReturnMethod.IN_STORE]
    assert page.counts == {status: sum(s.status is status for s in in_store) for status in ReturnStatus}
    assert page.total == page.counts[ReturnStatus.APPROVED]
    assert {row.status for row in page.rows} <= {ReturnStatus.APPROVED}


def test_pages_walked_forward_then_back_are_the_same_pages(
    engine: Engine, cipher: CredentialCipher, world: list[Seed]
) -> None:
    forward = list(_walk(engine, cipher, QueueQuery(page_size=8)))
    assert len(forward) == 8 and forward[0].prev_cursor is None and forward[-1].next_cursor is None
    assert all(len(page.rows) == 8 for page in forward[:-1]) and len(forward[-1].rows) == 4
    back = [forward[-1]]
    while back[-1].prev_cursor:
        back.append(_page(engine, cipher, QueueQuery(page_size=8, cursor=back[-1].prev_cursor)))
    assert [p.rows for p in reversed(back)] == [p.rows for p in forward]
    assert back[-1].prev_cursor is None


def test_a_page_stays_put_while_new_returns_arrive(engine: Engine, cipher: CredentialCipher, world: list[Seed]) -> None:
    first = _page(engine, cipher, QueueQuery(page_size=10))
    second = _page(engine, cipher, QueueQuery(page_size=10, cursor=first.next_cursor))
    newer = [replace(s, id=f"N{n}", created_at=NOW + timedelta(minutes=n)) for n, s in enumerate(world[:5])]
    # In the same instant as the first page's last row, sorting before it: on the first page, not the second.
    same_instant = [replace(world[0], id="ZZZZ", created_at=first.rows[-1].created_at)]
    _store(engine, cipher, newer + same_instant)
    again = _page(engine, cipher, QueueQuery(page_size=10, cursor=first.next_cursor))
    assert again.rows == second.rows
    top = _page(engine, cipher, QueueQuery(page_size=10))
    assert [row.id for row in top.rows[:5]] == ["N4", "N3", "N2", "N1", "N0"]
    assert top.total == len(world) + 6
    # Back from the second page: the ten rows just before it, now including the new ones, then the top.
    back = _page(engine, cipher, QueueQuery(page_size=10, cursor=second.prev_cursor))
    everything = _newest_first([*world, *newer, *same_instant])
    start = everything.index(second.rows[0].id)
    assert [row.id for row in back.rows] == everything[start - 10 : start]


def test_a_row_shows_what_the_queue_needs(engine: Engine, cipher: CredentialCipher, world: list[Seed]) -> None:
    rows = {row.id: row for page in _walk(engine, cipher, QueueQuery(page_size=100)) for row in page.rows}
    for seed in world:
        row: QueueRow = rows[seed.id]
        assert (row.status, row.method, row.created_at, row.value) == (
            seed.status, seed.method, seed.created_at, seed.value)
        assert (row.order_name, row.customer_email) == (seed.order_name, seed.email)
        assert row.reasons == seed.reasons
        assert row.units == sum(range(1, len(seed.reasons) + 1))
        assert row.needs_review is (seed.status is ReturnStatus.REQUESTED)
        assert (row.deadline is DeadlineRisk.OVERDUE) is _overdue(seed)


def test_another_shops_returns_never_show(engine: Engine, cipher: CredentialCipher, world: list[Seed]) -> None:
    with UnitOfWork(engine, cipher) as uow:
        other = queue_page(uow, OTHER, QueueQuery(page_size=100), NOW)
    theirs = [row.id for row in other.rows]
    assert theirs and all(rid.startswith("X") for rid in theirs) and other.total == 25
    assert not {row.id for page in _walk(engine, cipher, QueueQuery(page_size=100)) for row in page.rows} & set(theirs)
    assert _page(engine, cipher, QueueQuery(search=theirs[0])).rows == ()
    # Their cursor only says where to start in our list: it shows ours, never theirs.
    cursor = write_cursor("next", (other.rows[2].created_at, other.rows[2].id))
    page = _page(engine, cipher, QueueQuery(page_size=5, cursor=cursor))
    assert len(page.rows) == 5
    assert all(row.id.startswith("R") for row in page.rows)


@pytest.mark.parametrize("cursor", ["", "garbage", "e30", write_cursor("sideways", (NOW, "R1")), "WzEsMiwzXQ"])
def test_a_cursor_that_cannot_be_read_gives_the_first_page(
    engine: Engine, cipher: CredentialCipher, world: list[Seed], cursor: str
) -> None:
    assert _page(engine, cipher, QueueQuery(cursor=cursor)).rows == _page(engine, cipher, QueueQuery()).rows
    assert read_cursor(cursor) == ("next", None)


def test_page_size_is_clamped_and_value_bounds_share_a_currency(
    engine: Engine, cipher: CredentialCipher, world: list[Seed]
) -> None:
    assert len(_page(engine, cipher, QueueQuery(page_size=0)).rows) == 1
    assert _page(engine, cipher, QueueQuery(page_size=10_000)).page_size == 100
    with pytest.raises(ValueError, match="two currencies"):
        _page(engine, cipher, QueueQuery(value_min=Money(1, "EUR"), value_max=Money(2, "USD")))


def test_counts_stop_at_the_cap_and_say_so(
    engine: Engine, cipher: CredentialCipher, world: list[Seed], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("connector.services.return_queue.COUNT_CAP", 5)
    exact = {status: sum(s.status is status for s in world) for status in ReturnStatus}
    page = _page(engine, cipher, QueueQuery())
    assert page.counts == {status: min(n, 5) for status, n in exact.items()}
    assert page.over_cap == {status for status, n in exact.items() if n > 5} != set()
    assert page.total_over_cap and page.total == sum(min(n, 5) for n in exact.values())
    few = min((status for status in ReturnStatus if 0 < exact[status] <= 5), key=exact.__getitem__)
    one_status = _page(engine, cipher, QueueQuery(status=few))
    assert (one_status.total, one_status.total_over_cap) == (exact[few], False)
    assert len(_all_ids(engine, cipher, QueueQuery(page_size=7))) == len(world)  # pages are not capped
