"""``returns-connector worker`` relays the outbox itself: a row written by the web (or a job) runs with no
reconciler anywhere, in a real worker process on real Redis; ``--no-relay`` leaves it alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.domain import Platform
from connector.store.crypto import CredentialCipher
from connector.store.migrate import upgrade
from connector.store.outbox_repo import JobKind, OutboxState

pytestmark = pytest.mark.redis
STOP_WITHIN = 30


def _setup(tmp_path: Path, db_url: str, redis_url: str) -> tuple[Path, Container, int]:
    """A config with a queue of its own: a worker of another run on the same Redis must not take the job."""
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[app]\nenvironment = "development"\ndata_dir = "{tmp_path}"\n[database]\nurl = "{db_url}"\n'
        f'[redis]\nurl = "{redis_url}"\n[queue]\nname = "worker-relay-test-{uuid.uuid4().hex}"\n'
        "relay_every_seconds = 0.05\n"
    )
    os.environ.setdefault("CONNECTOR_SECRET_KEYS", CredentialCipher.generate_key())
    container = Container(load_config(config_file))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a", credentials={"access_token": "t"})
        row = uow.outbox.add("shop-a", JobKind.EVENT, "12345")  # no such delivery: the job marks the row done
        uow.commit()
    return config_file, container, row


def _state(container: Container, row: int) -> OutboxState:
    with container.uow() as uow:
        found = uow.outbox.get(row)
    assert found is not None
    return found.state


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (RQ's warm shutdown), as a deploy does, and fail if it does not within
    ``STOP_WITHIN``: redis 8.2 with RQ 3.0 made every worker take 60 s after its first job (pinned away).
    The bound is far above the usual second, so that a loaded machine does not fail it."""
    worker.terminate()
    try:
        worker.wait(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=30)
        pytest.fail(f"the worker did not stop within {STOP_WITHIN} s of SIGTERM")


@pytest.mark.parametrize("relaying", [True, False])
def test_a_worker_relays_and_runs_a_pending_row(tmp_path: Path, db_url: str, redis_url: str, relaying: bool) -> None:
    config_file, container, row = _setup(tmp_path, db_url, redis_url)
    command = [sys.executable, "-m", "connector.cli.main", "--config", str(config_file), "worker"]
    worker = subprocess.Popen(command + ([] if relaying else ["--no-relay"]), env={**os.environ})
    try:
        deadline = time.monotonic() + (30 if relaying else 3)
        while time.monotonic() < deadline and _state(container, row) is not OutboxState.DONE:
            time.sleep(0.1)
    finally:
        _stop(worker)
        container.close()
    assert _state(container, row) is (OutboxState.DONE if relaying else OutboxState.PENDING)
