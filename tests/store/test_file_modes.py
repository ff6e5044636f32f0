"""The SQLite database, its directory and the development key are readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from connector.store.crypto import CredentialCipher
from connector.store.engine import make_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common 022 umask, under which files are created world-readable unless we say otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_sqlite_database_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    database = tmp_path / "var" / "data" / "connector.sqlite3"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))  # WAL mode: a -wal and a -shm file appear too
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert (database.parent / "connector.sqlite3-wal").exists()
        assert mode(database.parent / "connector.sqlite3-wal") == 0o600
    engine.dispose()
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700 and mode(database.parent.parent) == 0o700


def test_an_existing_directory_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    os.chmod(shared, 0o750)
    make_engine(f"sqlite:///{shared / 'connector.sqlite3'}").dispose()
    assert mode(shared) == 0o750 and mode(shared / "connector.sqlite3") == 0o600


def test_the_development_key_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "secret.key"
    CredentialCipher.from_env({}, dev_key_file=key_file)
    assert mode(key_file) == 0o600 and mode(key_file.parent) == 0o700
