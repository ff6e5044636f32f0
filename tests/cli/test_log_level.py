"""``[app].log_level`` is applied: to every command that loads the config, to gunicorn, and to the demo's
worker processes."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connector.cli.common import config_from
from connector.config.loader import load_config
from connector.config.model import AppSettings, Config
from demo import stack
from wiring import servecmd


@pytest.fixture(autouse=True)
def restore_root_level() -> Iterator[None]:
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.INFO)  # what main() starts every command with
    yield
    root.setLevel(before)


def _config_file(tmp_path: Path, level: str) -> Path:
    path = tmp_path / "config.toml"
    database = tmp_path / "db" / "c.sqlite3"
    path.write_text(f'[app]\nlog_level = "{level}"\ndata_dir = "{tmp_path}"\n[database]\nurl = "sqlite:///{database}"\n')
    return path


@pytest.mark.parametrize("level", ["DEBUG", "WARNING", "ERROR"])
def test_loading_the_config_applies_its_level(tmp_path: Path, level: str) -> None:
    config_from(argparse.Namespace(config=str(_config_file(tmp_path, level))))
    assert logging.getLogger("connector.api").getEffectiveLevel() == getattr(logging, level)
    assert logging.getLogger("platforms.shopify.client").getEffectiveLevel() == getattr(logging, level)


def test_serve_gives_gunicorn_the_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(servecmd, "_run_gunicorn", lambda _source, options: seen.update(options))
    args = argparse.Namespace(config=str(_config_file(tmp_path, "WARNING")), dev=False, host="127.0.0.1",
                              port=0, workers=2, threads=4)
    servecmd.run(args)
    assert seen["loglevel"] == "warning"
    assert logging.getLogger().getEffectiveLevel() == logging.WARNING  # the forked workers inherit it


def test_the_demos_worker_processes_get_the_level(tmp_path: Path) -> None:
    config = Config(app=AppSettings(log_level="DEBUG", data_dir=str(tmp_path)))
    stack._write_config(config, tmp_path / "worker.toml")
    assert load_config(tmp_path / "worker.toml").app.log_level == "DEBUG"
