"""A whole demo at DEBUG, with the web server's access log on, prints none of the secrets it created.

The demo is run as a user runs it (``returns-connector --config <DEBUG> demo --exit-when-done``); its
stdout, stderr and log files are searched for every secret the run left in its data directory
(``secrets_inventory``) and for anything shaped like an unmasked token, code or key.

One kind of signed link is printed on purpose: a return label's (``/labels/<token>``, issue 19 asks the demo to
show one), on its own line of the summary. Those lines are set aside, and their tokens must appear nowhere else.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from connector.store.crypto import CredentialCipher
from tests.e2e.demo_output import LABEL
from tests.e2e.secrets_inventory import UNMASKED, logs_of_run, secrets_of_run
from tests.e2e.test_demo import _check, _clean_env, _run_demo

pytestmark = pytest.mark.e2e


def test_a_debug_demo_logs_no_secret(tmp_path: Path) -> None:
    config = tmp_path / "debug.toml"
    config.write_text('[app]\nlog_level = "DEBUG"\n')
    data_dir = tmp_path / "demo"
    # The key is the test's own: another test of the session may have left CONNECTOR_SECRET_KEYS set.
    key = CredentialCipher.generate_key()
    started = time.time()
    result = _run_demo(data_dir, {**_clean_env(), "CONNECTOR_SECRET_KEYS": key}, config=config)
    ended = time.time()
    _check(result)
    label_links = [match[4] for match in LABEL.finditer(result.stdout)]
    assert len(label_links) == 2, result.stdout[-4000:]  # one label per shop, printed on purpose
    output = LABEL.sub("", result.stdout) + result.stderr + logs_of_run(data_dir)
    assert not [link for link in label_links if link.rsplit("/", 1)[1] in output], "a label's token went elsewhere"
    assert " DEBUG " in output, "the run did not log at DEBUG: [app].log_level was not applied"
    assert "GET /api/v1/track/" in output, "the access log is off, or the customer followed no tracking link"
    leaked: Counter[str] = Counter()
    created: Counter[str] = Counter()
    for secret in secrets_of_run(data_dir, key, started, ended):
        created[secret.kind] += 1
        if secret.value in output:
            leaked[secret.kind] += 1
    for kind, shape in UNMASKED.items():
        leaked[f"{kind} (by shape)"] += len(shape.findall(output))
    expected = {"shopify access_token", "woocommerce consumer_secret", "shopify-oauth single-use value",
                "tracking link", "store page API key", "woocommerce plugin_secret"}
    assert expected <= set(created), f"the run's secrets were not all found: {sorted(created)}"
    assert not +leaked, f"secrets in the demo's output and logs: {dict(+leaked)}"
