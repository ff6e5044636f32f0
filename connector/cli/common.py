"""Helpers shared by the commands: loading config and building the container."""

from __future__ import annotations

import argparse

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.config.model import Config

Subparsers = argparse._SubParsersAction  # type: ignore[type-arg]


def config_from(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None))


def container_from(args: argparse.Namespace) -> Container:
    return Container(config_from(args))
