"""The portal's signing keys, derived from the secret the process is configured with.

There is no secret of the portal's own to configure: the keys come from the same root as the API's customer
tokens (``connector.api.tokens``), newest first so a rotation keeps yesterday's links valid while the old
key is still listed:

1. ``CONNECTOR_SIGNING_KEY`` (comma-separated), when set;
2. otherwise ``CONNECTOR_SECRET_KEYS``, the credential encryption keys;
3. outside production only, the development key file the credential cipher keeps under the data directory.

Each root is put through HMAC-SHA256 with a label of the portal's, so a portal value is never valid as an
API token (nor the reverse) and nothing signed here is signed with a key that also encrypts credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Final

from connector.config.model import Config
from connector.errors import ConfigError
from connector.store.crypto import ENV_VAR as SECRET_KEYS_ENV
from connector.store.crypto import CredentialCipher

SIGNING_KEY_ENV: Final = "CONNECTOR_SIGNING_KEY"
"""The API's variable (``connector.api.settings``), named again so that the pages need not import the API."""
_LABEL: Final = b"returns-connector portal pages v1"


def portal_keys(config: Config, environ: Mapping[str, str] | None = None) -> list[str]:
    """The portal's keys, newest first; ``ConfigError`` when the process has no secret at all."""
    return [derive(root) for root in _root_secrets(config, os.environ if environ is None else environ)]


def derive(root: str) -> str:
    return hmac.new(root.encode(), _LABEL, hashlib.sha256).hexdigest()


def _listed(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _root_secrets(config: Config, env: Mapping[str, str]) -> list[str]:
    roots = _listed(env.get(SIGNING_KEY_ENV)) or _listed(env.get(SECRET_KEYS_ENV))
    if roots:
        return roots
    if config.is_production:
        raise ConfigError(f"no key to sign the portal's links and forms: set {SIGNING_KEY_ENV} or {SECRET_KEYS_ENV}")
    dev_file = config.data_path / "secret.key"
    # The cipher makes the development key once, safely against concurrent starts; an empty environment
    # makes it take that path rather than read keys we already know are absent.
    CredentialCipher.from_env(environ={}, dev_key_file=dev_file)
    return [dev_file.read_text().strip()]
