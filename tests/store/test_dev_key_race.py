"""The development key is made once, whoever asks first: threads racing for it all get the same key.

In the demo, two requests of the Shopify install asked for the key at the same moment; the one that lost the
race to create the file failed with FileExistsError and the install answered 500 (seen in an e2e run).
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from connector.store.crypto import _dev_key

RACERS = 16


def _race(path: Path) -> tuple[list[str], list[BaseException]]:
    """``RACERS`` threads released at once, each asking for the key at ``path``."""
    start = threading.Barrier(RACERS)
    keys: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            keys.append(_dev_key(path))
        except BaseException as exc:  # the race's loser used to raise: count it
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys, errors


@pytest.mark.parametrize("attempt", range(5))
def test_threads_racing_for_the_development_key_all_get_the_one_written(tmp_path: Path, attempt: int) -> None:
    path = tmp_path / "var" / "secret.key"

    keys, errors = _race(path)

    assert errors == []
    assert len(keys) == RACERS and set(keys) == {path.read_text().strip()}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no draft left behind
