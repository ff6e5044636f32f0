"""Group commit: concurrent callers share batches, each gets its own answer, a failure never strands anyone."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import Engine, func, select

from connector.bootstrap import Container
from connector.config.model import Config
from connector.domain import Platform
from connector.store.crypto import CredentialCipher
from connector.store.tables import outbox, webhook_inbox
from webhooks.group_commit import GroupCommit
from webhooks.intake_store import IntakeStore


class Recorder:
    def __init__(self, pause: float = 0.0, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.pause = pause
        self.fail_on = fail_on
        self.guard = threading.Lock()

    def __call__(self, items: Sequence[int]) -> list[int]:
        with self.guard:
            self.batches.append(list(items))
        time.sleep(self.pause)
        if self.fail_on is not None and self.fail_on in items:
            raise RuntimeError(f"batch with {self.fail_on} failed")
        return [item * 10 for item in items]


def test_a_lone_caller_runs_at_once_alone() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder)
    assert [group.submit(n) for n in range(3)] == [0, 10, 20]
    assert recorder.batches == [[0], [1], [2]]


def test_concurrent_callers_share_batches_and_each_gets_its_own_answer() -> None:
    recorder = Recorder(pause=0.02)
    group = GroupCommit(recorder, max_batch=8)
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(group.submit, range(120)))
    assert answers == [n * 10 for n in range(120)]
    assert sorted(n for batch in recorder.batches for n in batch) == list(range(120))  # each item run once
    assert max(len(batch) for batch in recorder.batches) > 1
    assert all(len(batch) <= 8 for batch in recorder.batches)
    assert len(recorder.batches) < 120


def test_a_failed_batch_fails_its_callers_only_and_the_next_batch_runs() -> None:
    recorder = Recorder(pause=0.01, fail_on=7)
    group = GroupCommit(recorder, max_batch=4)

    def attempt(n: int) -> int | str:
        try:
            return group.submit(n)
        except RuntimeError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(attempt, range(40)))
    failed_batch = next(batch for batch in recorder.batches if 7 in batch)
    for n, answer in enumerate(answers):
        assert answer == ("batch with 7 failed" if n in failed_batch else n * 10)
    assert group.submit(99) == 990  # nobody was left holding the lead


def test_a_leader_waits_for_callers_on_their_way_and_commits_them_together() -> None:
    recorder = Recorder()
    coming = [1]
    group = GroupCommit(recorder, expected=lambda: coming[0], max_wait=2.0)

    def late() -> int:
        time.sleep(0.05)
        coming[0] = 0  # it has arrived: submit() is next
        return group.submit(2)

    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(late)
        started = time.monotonic()
        assert group.submit(1) == 10
        assert second.result() == 20
    assert recorder.batches == [[1, 2]]  # one commit for both
    assert time.monotonic() - started < 1.0  # woken by the arrival, not by the deadline


def test_a_leader_never_waits_with_nobody_coming_and_at_most_max_wait_otherwise() -> None:
    recorder = Recorder()
    idle = GroupCommit(recorder, expected=lambda: 0, max_wait=5.0)
    started = time.monotonic()
    assert idle.submit(1) == 10
    assert time.monotonic() - started < 0.5
    stranded = GroupCommit(recorder, expected=lambda: 3, max_wait=0.2)  # a caller that never submits
    started = time.monotonic()
    assert stranded.submit(2) == 20
    assert 0.2 <= time.monotonic() - started < 1.5


def test_under_load_a_leader_waits_for_the_usual_batch_and_in_quiet_times_stops_waiting() -> None:
    recorder = Recorder(pause=0.02)
    group = GroupCommit(recorder, max_batch=8, expected=lambda: 0, max_wait=0.3)
    with ThreadPoolExecutor(max_workers=8) as pool:  # bursts: batches of several
        for burst in range(6):
            assert list(pool.map(group.submit, range(burst * 8, burst * 8 + 8))) == [
                n * 10 for n in range(burst * 8, burst * 8 + 8)]
    assert group._usual > 2
    started = time.monotonic()
    assert group.submit(100) == 1000  # alone after a burst: waits for company, at most max_wait
    assert 0.3 <= time.monotonic() - started < 1.5
    lone = []
    for n in range(101, 131):
        started = time.monotonic()
        group.submit(n)
        lone.append(time.monotonic() - started)
    assert lone[-1] < 0.1 and round(group._usual) == 1  # the usual size fades back to one: no more waiting
    assert all(len(batch) == 1 for batch in recorder.batches[-31:])


def test_a_leader_waiting_for_the_usual_batch_goes_as_soon_as_it_is_there() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder, expected=lambda: 0, max_wait=5.0)
    group._usual = 2.0

    def second() -> int:
        time.sleep(0.05)
        return group.submit(2)

    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        other = pool.submit(second)
        assert group.submit(1) == 10
        assert other.result() == 20
    assert recorder.batches == [[1, 2]]
    assert time.monotonic() - started < 1.0  # woken by the arrival, not by the deadline


def test_a_caller_that_gives_up_frees_the_waiting_leader_at_once() -> None:
    recorder = Recorder()
    coming = [1]
    group = GroupCommit(recorder, expected=lambda: coming[0], max_wait=5.0)

    def gives_up() -> None:
        time.sleep(0.05)
        coming[0] = 0  # answered without storing anything (a bad signature, say)
        group.nudge()

    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        pool.submit(gives_up)
        assert group.submit(1) == 10
    assert time.monotonic() - started < 1.0


def test_requests_stop_counting_as_coming_once_they_submit_or_give_up(store: IntakeStore) -> None:
    with store.arriving():
        assert store._coming == 1
        store.accept(platform="shopify", address="a.myshopify.com", dedup_key="shopify:c-1", topic="t",
                     body=b"{}", headers={})
        assert store._coming == 0  # submitted: a leader no longer waits for it
    assert store._coming == 0
    with pytest.raises(RuntimeError), store.arriving():  # a request that fails before storing anything
        raise RuntimeError("bad signature")
    assert store._coming == 0


@pytest.fixture
def store(engine: Engine) -> IntakeStore:
    container = Container(replace(Config()), _cipher=CredentialCipher([CredentialCipher.generate_key()]))
    container.__dict__["engine"] = engine
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a", credentials={"access_token": "t"})
        uow.commit()
    return IntakeStore(container)


def test_concurrent_deliveries_store_each_key_once_with_one_outbox_row(store: IntakeStore, engine: Engine) -> None:
    keys = [f"shopify:evt-{n % 40}" for n in range(160)]  # every key four times, concurrently

    def deliver(key: str) -> tuple[str, bool]:
        body = b'{"id": %s}' % key.rpartition("-")[2].encode()  # each key its own body, as a platform sends
        accepted = store.accept(platform="shopify", address="a.myshopify.com", dedup_key=key, topic="orders/updated",
                                body=body, headers={"X-Shopify-Topic": "orders/updated"})
        assert accepted.shop_id == "shop-a"
        return key, not accepted.duplicate

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(deliver, keys))
    accepted_keys = sorted(key for key, accepted in results if accepted)
    assert accepted_keys == sorted(set(keys))  # exactly one "accepted" per key
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(webhook_inbox)).scalar_one() == 40
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 40
        refs = set(conn.execute(select(outbox.c.ref_id)).scalars())
        ids = {str(i) for i in conn.execute(select(webhook_inbox.c.id)).scalars()}
    assert refs == ids


def test_an_unknown_shop_in_a_batch_stores_nothing_for_it(store: IntakeStore) -> None:
    def deliver(n: int) -> bool:
        address = "a.myshopify.com" if n % 2 else "stranger.myshopify.com"
        accepted = store.accept(platform="shopify", address=address, dedup_key=f"shopify:u-{n}", topic="t",
                                body=b"{}", headers={})
        return accepted.shop_id is None and accepted.inbox_id is None

    with ThreadPoolExecutor(max_workers=8) as pool:
        unknown = list(pool.map(deliver, range(40)))
    assert unknown == [n % 2 == 0 for n in range(40)]


def test_a_batch_stores_bodies_and_headers_byte_for_byte(store: IntakeStore, engine: Engine) -> None:
    """Bodies are stored exactly as signed (any encoding), headers with any characters; answers in order."""
    from webhooks.intake_store import IncomingDelivery

    bodies = ['{"note": "café \\" \\\\ ☃"}'.encode(), '{"n": "ü"}'.encode("utf-16"), b'{"id": 2}', b'{"id": 3}']
    headers = [{"X-Shopify-Topic": 'a"b\\c', "X-Shopify-Note": "ünï ☃"}, {}, {"X-Shopify-Topic": "t"}, {}]
    batch = [IncomingDelivery("shopify", "a.myshopify.com", f"shopify:b-{n}", "orders/updated", body, headers[n])
             for n, body in enumerate(bodies)]
    batch.append(IncomingDelivery("shopify", "a.myshopify.com", "shopify:b-1", "orders/updated", b"{}", {}))
    batch.append(IncomingDelivery("shopify", "nobody.myshopify.com", "shopify:b-9", "orders/updated", b"{}", {}))
    batch.append(IncomingDelivery("shopify", "a.myshopify.com", "shopify:b-new", "orders/updated", bodies[2], {}))
    answers = store._store_batch(batch)
    assert [(a.shop_id, a.duplicate) for a in answers] == (
        [("shop-a", False)] * 4 + [("shop-a", True), (None, False), ("shop-a", True)]  # a key again, a body again
    )
    with engine.connect() as conn:
        rows = {row.dedup_key: row for row in conn.execute(select(webhook_inbox))}
    assert [rows[f"shopify:b-{n}"].body for n in range(4)] == bodies
    assert [rows[f"shopify:b-{n}"].headers for n in range(4)] == headers
    assert [rows[f"shopify:b-{n}"].id for n in range(4)] == [a.inbox_id for a in answers[:4]]


def test_a_batch_deduplicates_per_shop(store: IntakeStore, engine: Engine) -> None:
    """The same key for two shops in one batch (two stores' order 1001 in the same second) is two deliveries."""
    from webhooks.intake_store import IncomingDelivery

    with store.container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://one.example", shop_id="w1", credentials={"x": "y"})
        uow.shops.add(Platform.WOOCOMMERCE, "https://two.example", shop_id="w2", credentials={"x": "y"})
        uow.commit()
    key, body = "wc:order:1001:2026-03-10T12:00:00", b'{"id": 1001}'
    batch = [IncomingDelivery("woocommerce", address, key, "order.updated", body, {})
             for address in ("https://one.example", "https://two.example", "https://one.example")]
    answers = store._store_batch(batch)
    assert [(a.shop_id, a.duplicate) for a in answers] == [("w1", False), ("w2", False), ("w1", True)]
    with engine.connect() as conn:
        assert sorted(conn.execute(select(webhook_inbox.c.shop_id)).scalars()) == ["w1", "w2"]
