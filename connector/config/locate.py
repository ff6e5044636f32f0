"""Find the line of a TOML key from a dotted error path, so errors can name file, key and line."""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def key_lines(text: str) -> dict[str, int]:
    """Map ``table.key`` and ``array[i].key`` paths (and table headers) to 1-based line numbers."""
    found: dict[str, int] = {}
    counters: dict[str, int] = {}
    prefix = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "")
            if header.group(1) == "[[":
                index = counters.get(name, -1) + 1
                counters[name] = index
                prefix = f"{name}[{index}]"
            else:
                prefix = _within_array(name, counters)
            found.setdefault(prefix, number)
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).replace('"', "")
            found.setdefault(f"{prefix}.{name}" if prefix else name, number)
    return found


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path`` or of its nearest enclosing table."""
    candidate = path
    while candidate:
        if candidate in lines:
            return lines[candidate]
        if candidate.endswith("]") and "[" in candidate:
            candidate = candidate[: candidate.rindex("[")]  # an inline array item: the array's line
            continue
        if "." not in candidate:
            break
        candidate = candidate.rsplit(".", 1)[0]
    return None


def _within_array(name: str, counters: dict[str, int]) -> str:
    """``[shops.branding]`` after the second ``[[shops]]`` is ``shops[1].branding``, as the errors name it."""
    head, _, rest = name.partition(".")
    if rest and head in counters:
        return f"{head}[{counters[head]}].{rest}"
    return name
