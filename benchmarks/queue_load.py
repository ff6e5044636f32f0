"""Concurrent agents at the service level for ``admin_queue_bench.py``: the services called as the views call
them, by as many processes as gunicorn runs (one per core), each with its share of the agents as threads.

Why processes: one Python process runs one thread at a time, so 8 threads in the benchmark's own process would
measure the interpreter's lock, not the queries; the server has a process per core, and so do the agents here.
Every process waits at a barrier, then calls its target back to back for the same number of seconds.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from benchkit import pct
from webhook_intake_bench import Result

BASELINE = "baseline: SELECT 1"


def load_threads(run: Callable[[], object], clients: int, duration: float) -> list[float]:
    """``clients`` threads calling ``run`` back to back for ``duration`` seconds: every call's time (s)."""
    laps: list[float] = []
    guard = threading.Lock()
    deadline = time.perf_counter() + duration

    def client() -> None:
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            run()
            mine.append(time.perf_counter() - started)
        with guard:
            laps.extend(mine)

    pool = [threading.Thread(target=client) for _ in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return laps


class Agents:
    """``processes`` agent processes over the seeded database; ``run(name, seconds)`` loads one target."""

    def __init__(self, database_url: str, processes: int, clients: int) -> None:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no engine inherited from this one
        barrier = context.Barrier(processes)
        self._pipes: list[Connection] = []
        self._processes: list[Any] = []
        for index in range(processes):
            ours, theirs = context.Pipe()
            share = clients // processes + (1 if index < clients % processes else 0)
            process = context.Process(target=_agent, args=(database_url, theirs, barrier, share), daemon=True)
            process.start()
            self._pipes.append(ours)
            self._processes.append(process)
        for pipe in self._pipes:
            pipe.recv()  # ready: imported, connected, the scenarios built

    def run(self, name: str, duration: float) -> Result:
        for pipe in self._pipes:
            pipe.send((name, duration))
        laps: list[float] = []
        for pipe in self._pipes:
            laps.extend(pipe.recv())
        return Result(len(laps) / duration, pct(laps, 50) * 1000, pct(laps, 99) * 1000, 0, len(laps))

    def close(self) -> None:
        for pipe in self._pipes:
            pipe.send(None)
        for process in self._processes:
            process.join(timeout=30)


def _agent(database_url: str, pipe: Connection, barrier: Any, threads: int) -> None:
    from admin_queue_bench import Bench, extra_scenarios, scenarios

    from connector.services.return_queue import write_cursor

    bench = Bench(database_url)
    calls = {s.name: bench.call(s) for s in scenarios(write_cursor("next", bench.deep_key)) + extra_scenarios()}
    calls[BASELINE] = bench.select_one
    pipe.send("ready")
    while (command := pipe.recv()) is not None:
        name, duration = command
        barrier.wait()
        pipe.send(load_threads(calls[name], threads, duration))
    bench.container.close()
