"""Load a policy from TOML text or a file; syntax errors name the file and line."""

from __future__ import annotations

import tomllib
from pathlib import Path

from connector.policy.errors import PolicyError
from connector.policy.model import Policy
from connector.policy.schema import policy_from_dict


def loads(text: str, source: str = "<policy>") -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"
        raise PolicyError(source, [f"TOML syntax error: {exc}"]) from exc
    return policy_from_dict(data, source)


def load(path: str | Path) -> Policy:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(file), [f"cannot read: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(str(file), [f"not UTF-8 text: {exc.reason}"]) from exc
    return loads(text, str(file))
