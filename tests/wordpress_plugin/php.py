"""Running the plugin's PHP from the tests: php-cli on its own (no WordPress), as scripts/test installs it
(scripts/install-php-test-deps).

``sign_with_plugin`` includes the plugin's own ``includes/token.php`` and signs with its functions, so what the
connector is tested against is the code that ships, not a Python copy of it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Final

import pytest

PLUGIN: Final = Path(__file__).resolve().parents[2] / "platforms/woocommerce/wordpress-plugin/returns-connector"
TOKEN_PHP: Final = PLUGIN / "includes" / "token.php"

_SIGN: Final = r"""
define('ABSPATH', '/');
require $argv[1];
$in = json_decode(stream_get_contents(STDIN), true);
$claims = $in['raw'] ?? returns_connector_claims($in['aud'], $in['shop'], $in['store'], $in['extra'], $in['now'],
                                                $in['lifetime'] ?? RETURNS_CONNECTOR_TOKEN_LIFETIME);
$url = returns_connector_entry_url($in['base'] ?? 'https://c.example/', '/admin/enter/woocommerce', 'T');
echo json_encode(['token' => returns_connector_sign_token($claims, $in['secret']), 'claims' => $claims,
                  'url' => $url]);
"""


def require_php() -> str:
    found = shutil.which("php")
    if found:
        return found
    message = "missing php-cli (run scripts/install-php-test-deps, or apt-get install php-cli)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; with CI=true the WordPress plugin's tests are mandatory")
    pytest.skip(message)


def run_php(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_php(), *args], input=stdin, capture_output=True, text=True, timeout=60,
                          check=False)


def sign_with_plugin(request: dict[str, Any]) -> dict[str, Any]:
    """``{"aud", "shop", "store", "extra", "now", "secret"[, "lifetime"]}`` (or ``"raw"`` claims and "secret")
    -> ``{"token", "claims", "url"}`` as the plugin makes them."""
    done = run_php("-r", _SIGN, str(TOKEN_PHP), stdin=json.dumps(request))
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer
