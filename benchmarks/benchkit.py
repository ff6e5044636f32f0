"""Small helpers shared by the benchmark scripts: free ports, RSS, reachable services, scratch schemas.

Every benchmark binds 127.0.0.1 only and cleans up what it creates (a PostgreSQL schema, its own RQ queue).
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"  # tests use db 14; benchmarks keep to their own db and queue names


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int | None = None) -> float:
    """Current resident set size from /proc (not the peak), in MiB."""
    path = f"/proc/{pid or os.getpid()}/status"
    with open(path, encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat: busy share = d(busy) / d(total)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [float(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    return sum(fields) - idle, sum(fields)


def cpu_by_program(programs: Sequence[str]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by every live process whose name is one of ``programs``.

    Sample before and after a measurement: the difference is what each program spent on it (processes that
    start and exit in between are missed, so sample around steady servers only).
    """
    tick = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(programs, 0.0)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                raw = stat.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        if name in totals:
            totals[name] += (int(fields[11]) + int(fields[12])) / tick
    return totals


def redis_url() -> str | None:
    """REDIS_URL (or the local default db 12) when a Redis answers there, else None."""
    from redis import Redis

    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    try:
        client = Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
    except Exception:
        return None
    return url


def postgres_base_url() -> str | None:
    """DATABASE_URL if it is PostgreSQL, else the local default, when it answers."""
    from sqlalchemy import text

    from connector.store.engine import make_engine

    url = os.environ.get("DATABASE_URL") or DEFAULT_PG
    if not url.startswith("postgres"):
        url = DEFAULT_PG
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return None
    return url


@contextmanager
def postgres_schema(base_url: str, name: str | None = None, keep: bool = False) -> Iterator[str]:
    """A scratch schema reached through ``search_path``; dropped afterwards. ``name``: that schema, made when
    missing (a benchmark reusing what it seeded there), and left in place with ``keep``."""
    from sqlalchemy import text

    from connector.store.engine import make_engine

    schema = name or f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def runs_text(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    return " / ".join(fmt.format(v) for v in values)


def noop(*_args: object) -> None:
    """A job that does nothing: the baseline for worker benchmarks (RQ's own cost)."""
