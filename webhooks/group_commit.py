"""Group commit: concurrent callers in one process share one database statement and one commit.

With threaded web workers, deliveries that arrive while a statement is in flight wait for it to finish and
then go together in the next one. A lone caller (sync workers, quiet times) runs alone at once: nobody waits
for a batch to fill. Each caller gets its own result, or the batch's error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Slot(Generic[Item, Result]):
    __slots__ = ("error", "item", "lead", "result", "wake")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.result: Result | None = None
        self.error: BaseException | None = None
        self.lead = False
        self.wake: threading.Event | None = None  # only a follower waits: a lone caller never builds one

    def outcome(self) -> Result:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit(Generic[Item, Result]):
    """``submit`` from any thread; ``run_batch`` gets the waiting items in arrival order and returns one
    result per item, in the same order."""

    def __init__(self, run_batch: Callable[[Sequence[Item]], Sequence[Result]], max_batch: int = 64,
                 expected: Callable[[], int] | None = None, max_wait: float = 0.0) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._waiting: list[_Slot[Item, Result]] = []
        self._running = False
        # How many more items are on their way (requests in flight that have not submitted yet): a leader waits
        # up to ``max_wait`` seconds for them, so one commit serves them all. With none coming it never waits.
        self._expected = expected
        self._max_wait = max_wait

    def submit(self, item: Item) -> Result:
        slot: _Slot[Item, Result] = _Slot(item)
        with self._lock:
            self._waiting.append(slot)
            follow = self._running
            self._running = True
            if follow:  # made under the lock, so whoever takes this slot into a batch can set it
                slot.wake = threading.Event()
                self._arrived.notify()
        if slot.wake is not None:
            slot.wake.wait()
            if not slot.lead:
                return slot.outcome()
        self._lead()
        return slot.outcome()

    def _wait_for_arrivals(self) -> None:
        """Called holding the lock; ``wait`` releases it while the others arrive."""
        if self._expected is None or self._max_wait <= 0:
            return
        deadline = time.monotonic() + self._max_wait
        while self._expected() > 0 and len(self._waiting) < self._max_batch:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._arrived.wait(remaining)

    def _lead(self) -> None:
        """Run one batch from the head of the queue (our own slot is in it), then hand over or stand down."""
        with self._lock:
            self._wait_for_arrivals()
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
        try:
            results = self._run_batch([slot.item for slot in batch])
            for slot, result in zip(batch, results, strict=True):  # a count mismatch fails the whole batch
                slot.result = result
        except BaseException as exc:  # every caller in the batch sees the failure, none is left waiting
            for slot in batch:
                slot.error = exc
        finally:
            with self._lock:
                if self._waiting:
                    successor = self._waiting[0]
                    successor.lead = True
                    assert successor.wake is not None  # anyone still waiting arrived as a follower
                    successor.wake.set()
                else:
                    self._running = False
            for slot in batch:
                if slot.wake is not None:
                    slot.wake.set()
