"""Helpers shared by the commands: loading config and building the container."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from connector import logconfig
from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.config.model import Config
from connector.pages.labels import install_label_texts

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction


def config_from(args: argparse.Namespace) -> Config:
    """The config, with its ``[app].log_level`` applied to this process (and the workers it forks)."""
    config = load_config(getattr(args, "config", None))
    logconfig.apply_level(config.app.log_level)
    return config


def container_from(args: argparse.Namespace) -> Container:
    """The process's container, with the label's words and links (the worker makes labels)."""
    container = Container(config_from(args))
    install_label_texts(container)
    return container
