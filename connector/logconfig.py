"""One place that sets up the process's logging: the format, the secret-masking filter, and the level
``[app].log_level`` asks for (commands start at INFO, before any config is read, and move to the
configured level as soon as they load it)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from connector import logsafe

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"
DEFAULT_LEVEL: Final = "INFO"


def setup(level: str = DEFAULT_LEVEL) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler:  # ours (basicConfig's), not a test's capture handler
            handler.setFormatter(DetailFormatter(FORMAT))
    logsafe.install()
    apply_level(level)


def apply_level(level: str) -> None:
    """The root logger's level, which every ``connector.*`` and ``platforms.*`` logger inherits."""
    logging.getLogger().setLevel(level.upper())


def is_debug() -> bool:
    return logging.getLogger().getEffectiveLevel() <= logging.DEBUG


# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is its detail.
_RECORD_ATTRIBUTES: Final = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class DetailFormatter(logging.Formatter):
    """The usual line, then the record's ``extra`` fields as ``key=value`` (masked like the message): the
    executor logs ``executor.action-succeeded`` with the action and its kind only as extras."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRIBUTES and not k.startswith("_")}
        if not extras:
            return line
        head, newline, rest = line.partition("\n")  # after the message, before any traceback
        detail = logsafe.redact(" ".join(f"{k}={v}" for k, v in extras.items()))
        return f"{head} {detail}{newline}{rest}"


def to_file(path: Path, console_level: str = "WARNING") -> None:
    """Write the process's log records to ``path``, with their detail; the console keeps only
    ``console_level`` and above, so a command that prints a report for people is not buried in INFO lines."""
    root = logging.getLogger()
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:  # the console (a FileHandler is a StreamHandler too)
            handler.setLevel(console_level)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(DetailFormatter(FORMAT))
    root.addHandler(file_handler)
    logsafe.install()
