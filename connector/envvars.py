"""Credentials named by environment variable: the config and the stores hold the variable's name, never the
secret, and these two functions are the one place that reads them (shops and carrier accounts alike)."""

from __future__ import annotations

import os
from collections.abc import Mapping


def read_named(names: Mapping[str, str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{credential: value}`` for each ``{credential: VARIABLE}`` whose variable is set."""
    env = os.environ if environ is None else environ
    return {key: env[var] for key, var in names.items() if var in env}


def missing_named(names: Mapping[str, str], environ: Mapping[str, str] | None = None) -> list[str]:
    """The variables ``names`` refers to that are not set."""
    env = os.environ if environ is None else environ
    return [var for var in names.values() if var not in env]
