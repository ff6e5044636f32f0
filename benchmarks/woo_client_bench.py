"""Pooled ``WooClient`` vs the ``woocommerce`` package's ``API`` (a new connection per call), N reads.

Run:  .venv/bin/python benchmarks/woo_client_bench.py [--n 1000] [--app auto|sandbox|minimal] [--mode both]

Server: the app is served on 127.0.0.1 by a small HTTP/1.1 keep-alive WSGI server defined here. The
sandbox's own ``start_in_thread`` uses werkzeug's development server, which sends ``Connection: close`` on
every response, so no client can reuse a connection there and the comparison would be meaningless.

``--app sandbox`` serves the WooCommerce sandbox app (``sandboxes.woocommerce``; it checks OAuth
signatures and Basic keys); ``minimal`` answers one fixed order JSON; ``auto`` tries the sandbox first.

Modes: ``http`` signs every call with OAuth 1.0a (as WooCommerce requires over HTTP); ``https`` uses Basic
auth over TLS with a throw-away self-signed certificate (what real shops look like: there the per-call
TLS handshake is what pooling saves).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import ipaddress
import json
import logging
import ssl
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from woocommerce import API

from platforms.woocommerce.client import RetryPolicy, WooClient

KEY, SECRET = "ck_bench_" + "0" * 31, "cs_bench_" + "0" * 31
ROOT = Path(__file__).resolve().parent.parent
ORDER = (ROOT / "tests" / "fixtures" / "woocommerce" / "order_727.json").read_bytes()
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _KeepAliveHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Content-Length is always sent
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms Nagle/delayed-ACK stall
    app: WSGIApp
    scheme = "http"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),  # type: ignore[index]
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[key] = value
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started[:] = [status, headers]

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = _handle


def serve(app: WSGIApp, tls: ssl.SSLContext | None) -> tuple[str, Callable[[], None]]:
    handler = type("Handler", (_KeepAliveHandler,), {"app": staticmethod(app), "scheme": "https" if tls else "http"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(5)
        server.server_close()

    return f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}", stop


def minimal_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/json; charset=UTF-8")])
    return [ORDER]


def sandbox_app() -> tuple[WSGIApp, Callable[[], None]]:
    from sandboxes.woocommerce.app import create_app
    from sandboxes.woocommerce.shop import SandboxOptions, shop_of

    app = create_app(SandboxOptions(orders=20, consumer_key=KEY, consumer_secret=SECRET))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    return app, shop_of(app).dispatcher.stop


def self_signed(directory: Path) -> tuple[ssl.SSLContext, str]:
    """A throw-away certificate for 127.0.0.1 (``cryptography`` is already a project dependency)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context, str(cert_path)


def timed(n: int, first: Callable[[], None], second: Callable[[], None]) -> tuple[list[float], list[float]]:
    """Interleaved in blocks of 10, so both clients see the same machine load (other jobs, CPU boost)."""
    first()
    second()  # warm-up
    laps: tuple[list[float], list[float]] = ([], [])
    done = 0
    while done < n:
        block = min(10, n - done)
        for call, out in ((first, laps[0]), (second, laps[1])):
            for _ in range(block):
                start = time.perf_counter()
                call()
                out.append(time.perf_counter() - start)
        done += block
    return laps


def run(n: int, app: WSGIApp, app_name: str, tls: ssl.SSLContext | None, ca: str | None) -> float:
    base_url, stop = serve(app, tls)
    try:
        pooled = WooClient(base_url, KEY, SECRET, retry=RetryPolicy(max_retries=0), verify=ca or True,
                           allow_private=True)  # the benchmark's store listens on 127.0.0.1
        path = "orders/727"
        if app_name == "sandbox":
            first = pooled.get("orders", {"per_page": 1})
            path = f"orders/{first[0]['id']}"
        package = API(
            url=base_url, consumer_key=KEY, consumer_secret=SECRET, version="wc/v3", timeout=30, verify_ssl=ca or True
        )

        def package_call() -> None:
            response = package.get(path)
            response.raise_for_status()
            json.loads(response.text)

        pooled_laps, package_laps = timed(n, lambda: pooled.get(path), package_call)
        pooled.close()
    finally:
        stop()
    auth = "Basic over TLS" if tls else "OAuth 1.0a over HTTP"
    print(f"{app_name} app, {base_url}, {n} x GET {path} ({auth})")
    results = (("pooled WooClient", pooled_laps), ("woocommerce.API", package_laps))
    for name, laps in results:
        print(
            f"  {name:17s} total {sum(laps):7.3f} s  mean {statistics.mean(laps) * 1e3:6.2f} ms  "
            f"p95 {statistics.quantiles(laps, n=20)[18] * 1e3:6.2f} ms"
        )
    ratio = sum(package_laps) / sum(pooled_laps)
    print(f"  ratio (API time / pooled time): {ratio:.2f}x\n")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--app", choices=("auto", "sandbox", "minimal"), default="auto")
    parser.add_argument("--mode", choices=("http", "https", "both"), default="both")
    args = parser.parse_args()

    stop_app: Callable[[], None] = lambda: None  # noqa: E731
    app: WSGIApp = minimal_app
    app_name = "minimal"
    if args.app in ("auto", "sandbox"):
        try:
            app, stop_app = sandbox_app()
            app_name = "sandbox"
        except Exception as exc:  # the sandbox is optional for this benchmark
            if args.app == "sandbox":
                raise
            print(f"sandbox unavailable ({type(exc).__name__}: {exc}); using the minimal app\n")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.mode in ("http", "both"):
                run(args.n, app, app_name, None, None)
            if args.mode in ("https", "both"):
                context, ca = self_signed(Path(tmp))
                run(args.n, app, app_name, context, ca)
    finally:
        stop_app()


if __name__ == "__main__":
    main()
