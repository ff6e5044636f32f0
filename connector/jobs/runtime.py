"""The container a worker process uses, built once from the environment (or set by the embedded queue)."""

from __future__ import annotations

import threading

from connector.bootstrap import Container
from connector.config.loader import load_config
from connector.pages.labels import install_label_texts

_lock = threading.Lock()
_container: Container | None = None


def worker_container() -> Container:
    global _container
    with _lock:
        if _container is None:
            _container = Container(load_config())
            install_label_texts(_container)  # the label job's words and links, from the pages
        return _container


def use_container(container: Container | None) -> None:
    """Tests and the embedded queue run jobs in-process with their own container."""
    global _container
    with _lock:
        _container = container
