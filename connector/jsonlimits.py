"""``loads`` for JSON from outside: refuses nesting deeper than ``MAX_DEPTH`` with a ``ValueError``.

Python's parser recurses once per level, so a 2 KB body of 1,000 nested arrays raised ``RecursionError``.
That is not a ``ValueError``: it slipped past every ``except ValueError`` and Flask's ``silent=True`` and
became a 500 with a traceback, unauthenticated. Here it is one ``ValueError`` subclass with a message that
names the problem, whichever way the document is too deep: past the interpreter's recursion limit
(caught from the parser) or past ours (measured on the parsed value, without recursing). Nothing we accept
is nested more than a few levels, so 64 refuses no real client.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class JSONTooDeep(ValueError):
    """The document nests arrays and objects deeper than the limit; the message says so."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def loads(document: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads(document, **kwargs)``, or ``JSONTooDeep`` past ``max_depth`` nested arrays/objects."""
    try:
        value = json.loads(document, **kwargs)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    if _openers(document) > max_depth and _deeper_than(value, max_depth):
        raise JSONTooDeep(max_depth)
    return value


def _openers(document: str | bytes | bytearray) -> int:
    """An upper bound on the depth, counted in C, so most documents skip the walk. Brackets inside strings
    only add to it, and so do other characters that hold a bracket's byte in UTF-16 or UTF-32."""
    if isinstance(document, str):
        return document.count("[") + document.count("{")
    return document.count(b"[") + document.count(b"{")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays/objects nest more than ``limit`` levels: walked a level at a time, without recursion."""
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(limit):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return bool(level)
