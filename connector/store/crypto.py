"""Credentials are encrypted at rest with Fernet; several keys allow rotation (first key encrypts).

Keys come from the ``CONNECTOR_SECRET_KEYS`` environment variable (comma-separated Fernet keys), never
from the config file. ``rotate`` re-encrypts a token under the newest key.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from connector.errors import ConfigError
from connector.private_files import private_dir

ENV_VAR = "CONNECTOR_SECRET_KEYS"


class CredentialCipher:
    """Encrypts a shop's credential mapping to bytes and back."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigError(f"no encryption key: set {ENV_VAR}")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"{ENV_VAR} holds a key that is not a valid Fernet key") from exc

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dev_key_file: Path | None = None) -> CredentialCipher:
        """Keys from the environment; in development only, a generated key kept in ``dev_key_file``."""
        env = os.environ if environ is None else environ
        raw = env.get(ENV_VAR, "")
        keys = [part.strip() for part in raw.split(",") if part.strip()]
        if not keys and dev_key_file is not None:
            keys = [_dev_key(dev_key_file)]
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, credentials: Mapping[str, str]) -> bytes:
        return self._fernet.encrypt(json.dumps(dict(credentials), sort_keys=True).encode())

    def decrypt(self, token: bytes) -> dict[str, str]:
        try:
            data = json.loads(self._fernet.decrypt(token))
        except InvalidToken as exc:
            raise ConfigError(f"stored credentials cannot be decrypted with the keys in {ENV_VAR}") from exc
        return {str(k): str(v) for k, v in data.items()}

    def rotate(self, token: bytes) -> bytes:
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise ConfigError(f"stored credentials cannot be decrypted with the keys in {ENV_VAR}") from exc


def _dev_key(path: Path) -> str:
    """The development key, made once. Several threads of the app (or the demo's processes) may ask for it at
    the same moment: the key is written whole to a file of this thread's own, then published with a hard link,
    which fails if another one got there first, whose key is then used. Creating ``path`` directly made the
    loser fail with FileExistsError (a 500 at install in the demo), or read a file not yet written."""
    if path.exists():
        return path.read_text().strip()
    private_dir(path.parent)
    key = Fernet.generate_key().decode()
    draft = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    try:
        os.link(draft, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        draft.unlink(missing_ok=True)
    return key
