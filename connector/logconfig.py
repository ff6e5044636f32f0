"""One place that sets up the process's logging: the format, the secret-masking filter, and the level
``[app].log_level`` asks for (commands start at INFO, before any config is read, and move to the
configured level as soon as they load it)."""

from __future__ import annotations

import logging
from typing import Final

from connector import logsafe

FORMAT: Final = "%(asctime)s %(levelname)s %(name)s %(message)s"
DEFAULT_LEVEL: Final = "INFO"


def setup(level: str = DEFAULT_LEVEL) -> None:
    logging.basicConfig(level=level, format=FORMAT)
    logsafe.install()
    apply_level(level)


def apply_level(level: str) -> None:
    """The root logger's level, which every ``connector.*`` and ``platforms.*`` logger inherits."""
    logging.getLogger().setLevel(level.upper())


def is_debug() -> bool:
    return logging.getLogger().getEffectiveLevel() <= logging.DEBUG
