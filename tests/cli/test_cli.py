from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.cli import build_parser, main  # the installed command: connector's commands, demo and sandbox
from wiring.servecmd import gunicorn_options

COMMANDS = ["serve", "worker", "migrate", "check-config", "shops", "sandbox"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_useful_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert f"returns-connector {command}" in out
    assert len(out.splitlines()) >= 4


def test_serve_has_host_and_port() -> None:
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "9001"])
    assert (args.host, args.port) == ("0.0.0.0", 9001)
    options = gunicorn_options(args)
    assert (options["worker_class"], options["threads"]) == ("gthread", 16)  # threaded by default
    assert options["workers"] == max(2, os.cpu_count() or 1)


def test_serve_threads_1_runs_sync_workers_two_per_core_plus_one() -> None:
    options = gunicorn_options(build_parser().parse_args(["serve", "--threads", "1"]))
    assert "worker_class" not in options and options["workers"] == 2 * (os.cpu_count() or 1) + 1


def test_serve_threads_runs_gthread_workers() -> None:
    args = build_parser().parse_args(["serve", "--workers", "2", "--threads", "8"])
    assert gunicorn_options(args) == {"bind": "127.0.0.1:8000", "workers": 2, "worker_class": "gthread",
                                      "threads": 8}


def test_check_config_names_key_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[queue]\nmax_attempts = \"many\"\n")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: queue.max_attempts: Not a valid integer." in err
    good = tmp_path / "good.toml"
    good.write_text("[app]\nenvironment = \"test\"\n")
    assert main(["check-config", str(good)]) == 0
    assert "is valid" in capsys.readouterr().out


def test_check_config_warns_of_what_a_platforms_section_lacks(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The warning comes from the platform's config section (``platforms/shopify/settings.py``), not the core."""
    monkeypatch.delenv("ACME_SHOPIFY_SECRET", raising=False)
    file = tmp_path / "shopify.toml"
    file.write_text("[shopify]\napi_key = \"k\"\napi_secret_env = \"ACME_SHOPIFY_SECRET\"\n")
    assert main(["check-config", str(file)]) == 0
    warning = "warning: shopify.api_secret_env: environment variable ACME_SHOPIFY_SECRET is not set"
    assert warning in capsys.readouterr().out
    monkeypatch.setenv("ACME_SHOPIFY_SECRET", "s")
    assert main(["check-config", str(file)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_shops_add_list_remove_keeps_secrets_out_of_output(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[app]\ndata_dir = \"{tmp_path}\"\n[database]\nurl = \"sqlite:///{tmp_path}/c.sqlite3\"\n")
    env = {"PATH": "/usr/bin:/bin", "SHOP_TOKEN": "shpat_very_secret", "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "connector.cli.main", "--config", str(config), *args],
                              capture_output=True, text=True, env=env, timeout=60, check=False)

    added = run("shops", "add", "--platform", "shopify", "--address", "cli.myshopify.com",
                "--credential", "access_token=SHOP_TOKEN")
    assert added.returncode == 0, added.stderr
    listed = run("shops", "list", "--json")
    shops = json.loads(listed.stdout)
    assert [s["address"] for s in shops] == ["cli.myshopify.com"]
    assert "shpat_very_secret" not in listed.stdout + listed.stderr + added.stdout + added.stderr
    missing = run("shops", "add", "--platform", "shopify", "--address", "x.myshopify.com",
                  "--credential", "access_token=NOT_SET")
    assert missing.returncode == 1 and "NOT_SET is not set" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert run("shops", "remove", "cli.myshopify.com").returncode == 0
    assert json.loads(run("shops", "list", "--json").stdout) == []


def test_connect_woocommerce_by_hand_checks_keys_and_creates_webhooks(tmp_path: Path) -> None:
    import requests

    from sandboxes.woocommerce.app import start_in_thread
    from sandboxes.woocommerce.shop import SandboxOptions

    # a USD store: the shop's currency is read from it, never assumed (issue 16)
    url, stop = start_in_thread(SandboxOptions(orders=3, consumer_key="ck_demo", consumer_secret="cs_demo",
                                               currency="USD"))
    try:
        config = tmp_path / "config.toml"
        config.write_text(f"[app]\ndata_dir = \"{tmp_path}\"\nbase_url = \"http://127.0.0.1:9\"\n"
                          "allow_private_store_urls = true\n"  # the sandbox listens on 127.0.0.1
                          f"[database]\nurl = \"sqlite:///{tmp_path}/c.sqlite3\"\n")
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "WC_KEY": "ck_demo", "WC_SECRET": "cs_demo",
               "BAD_SECRET": "cs_wrong"}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "wiring.cli", "--config", str(config), *args],
                                  capture_output=True, text=True, env=env, timeout=120, check=False)

        connect = ("shops", "connect-woocommerce", "--url", url, "--key-env", "WC_KEY", "--secret-env")
        refused = run(*connect, "BAD_SECRET")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        wrong = run(*connect, "WC_SECRET", "--currency", "EUR")
        assert wrong.returncode == 1 and "is a USD store, not EUR" in wrong.stderr
        connected = run(*connect, "WC_SECRET")
        assert connected.returncode == 0, connected.stderr
        assert "4 webhooks" in connected.stdout and "currency is USD" in connected.stdout
        hooks = requests.get(f"{url}/__sandbox/state", timeout=10).json()["webhooks"]
        assert {h["topic"] for h in hooks} >= {"order.created", "order.updated", "order.deleted", "order.restored"}
        assert all(h["delivery_url"] == "http://127.0.0.1:9/webhooks/woocommerce" for h in hooks)
        listed = json.loads(run("shops", "list", "--json").stdout)
        assert [(s["platform"], s["currency"]) for s in listed] == [("woocommerce", "USD")]
    finally:
        stop()


def test_shops_help_lists_every_shops_action(capsys: pytest.CaptureFixture[str]) -> None:
    """Both `shops --help` and the top-level summary name every action, rotate-keys included."""
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    shops = commands.choices["shops"]  # type: ignore[index]
    actions = sorted(next(a for a in shops._actions if a.choices).choices)  # type: ignore[union-attr]
    assert "rotate-keys" in actions
    with pytest.raises(SystemExit):
        main(["shops", "--help"])
    shops_help = capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    summary = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("shops "))
    for action in actions:
        assert action in shops_help
        assert action in summary, f"`returns-connector --help` does not name shops {action}: {summary.strip()}"
