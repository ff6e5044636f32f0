"""SQLite intake: writers of every process queue on one file lock; batches are one transaction."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from sqlalchemy import func, select

from connector.store.engine import make_engine
from connector.store.tables import webhook_inbox
from tests.webhooks.test_intake import _container
from webhooks.sqlite_intake import SqliteIntake, WriterQueue


def _take_turn(queue: WriterQueue, out: multiprocessing.Queue[float]) -> None:  # type: ignore[type-arg]
    started = time.monotonic()
    with queue.turn():
        out.put(time.monotonic() - started)


def test_a_writer_in_another_process_waits_for_the_turn_and_gets_it_when_released(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "db.intake-lock"))
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[float] = context.Queue()  # type: ignore[type-arg]
    with queue.turn():  # the child inherits our descriptor: it must open its own, or it would share our lock
        child = context.Process(target=_take_turn, args=(queue, out))
        child.start()
        time.sleep(0.4)
        assert out.empty()  # still waiting
    waited = out.get(timeout=10)
    child.join(timeout=10)
    assert child.exitcode == 0 and 0.3 <= waited < 5


def test_an_in_memory_database_needs_no_lock_file(tmp_path: Path) -> None:
    assert SqliteIntake(make_engine("sqlite://"))._writers._path is None
    on_disk = SqliteIntake(make_engine(f"sqlite:///{tmp_path}/c.sqlite3"))
    assert on_disk._writers._path == f"{tmp_path}/c.sqlite3.intake-lock"


def test_a_failing_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    from connector.store.migrate import upgrade
    from webhooks.deliveries import IncomingDelivery

    engine = make_engine(f"sqlite:///{tmp_path}/c.sqlite3")
    upgrade(engine)
    _container(engine)  # connects the shops
    intake = SqliteIntake(engine)
    good = IncomingDelivery("shopify", "a.myshopify.com", "k1", "t", b"{}", {})
    bad = IncomingDelivery("shopify", "a.myshopify.com", "k2", "t", b"{ }", {"x": object()})  # type: ignore[dict-item]
    try:
        intake.store([good, bad])
    except TypeError:
        pass
    else:
        raise AssertionError("the unserialisable header should have failed the batch")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(webhook_inbox)).scalar_one() == 0
    assert [a.inbox_id is not None for a in intake.store([good])] == [True]
