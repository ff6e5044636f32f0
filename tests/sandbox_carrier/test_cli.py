"""``returns-connector sandbox carrier`` is wired into the CLI and serves on the port it is given."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import requests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_command_serves_the_carrier() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "demo.cli", "sandbox", "carrier", "--port", str(port), "--public-key", "pk",
               "--secret-key", "sk"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/api/v3/service-points/1000001", auth=("pk", "sk"),
                                      timeout=2)  # fmt: skip
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "the sandbox did not start"
                time.sleep(0.2)
        assert answer.status_code == 200
        assert answer.json()["data"]["carrier"]["code"] == "mondial_relay"
        assert requests.get(f"http://127.0.0.1:{port}/api/v3/service-points/1000001", timeout=2).status_code == 401
    finally:
        process.terminate()
        process.wait(10)
