"""Helpers shared by the commands: loading config and building the container."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.config.model import Config

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction


def config_from(args: argparse.Namespace) -> Config:
    return load_config(getattr(args, "config", None))


def container_from(args: argparse.Namespace) -> Container:
    return Container(config_from(args))
