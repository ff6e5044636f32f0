"""``returns-connector sandbox shopify``: serve the sandbox shop; plus ``start_in_thread`` for tests."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sandboxes.kit import serving
from sandboxes.kit.faults import FaultConfig
from sandboxes.shopify import admin_frame
from sandboxes.shopify.app import create_app
from sandboxes.shopify.options import SandboxOptions


def configure(parser: argparse.ArgumentParser) -> None:
    defaults = SandboxOptions()
    add = parser.add_argument
    add("--host", default="127.0.0.1")
    add("--port", type=int, default=8081)
    add("--seed", type=int, default=defaults.seed)
    add("--orders", type=int, default=defaults.orders)
    add("--products", type=int, default=defaults.products)
    add("--shop-domain", default=defaults.shop_domain)
    add("--shop-name", default=defaults.shop_name)
    add("--currency", default=defaults.currency)
    add("--api-key", default=defaults.api_key)
    add("--api-secret", default=defaults.api_secret)
    add("--access-token", default=defaults.access_token, help="fixed, non-expiring token for scripts")
    add("--bucket-size", type=float, default=defaults.bucket_size)
    add("--restore-rate", type=float, default=defaults.restore_rate)
    add("--token-ttl", type=int, default=defaults.token_ttl, help="seconds before expiring tokens expire")
    add(
        "--strict-refresh-rotation",
        action="store_true",
        help="revoke a refresh token as soon as it is used (default: when its successor is first used)",
    )
    add("--app-url", default="", help="the embedded app's URL, framed by the admin page /store/<name>/apps/<key>")
    add("--compliance-uri", default=None, help="endpoint for customers/data_request, customers/redact, shop/redact")
    add("--error-rate", type=float, default=0.0)
    add("--throttle-rate", type=float, default=0.0)
    add("--latency-ms", type=int, default=0)
    add("--drop-rate", type=float, default=0.0)
    add("--timeout-after-write-rate", type=float, default=0.0)
    add("--webhook-duplicate-rate", type=float, default=0.0)
    add("--webhook-drop-rate", type=float, default=0.0)
    add("--webhook-delay", type=float, default=0.0, help="seconds added before each delivery")
    add("--webhook-reorder", action="store_true")
    add("--webhook-retry-schedule", default="1,2,4", help="comma-separated seconds between retries")
    add("--fault-seed", type=int, default=0)


def options_from_args(args: argparse.Namespace) -> SandboxOptions:
    schedule = tuple(float(x) for x in str(args.webhook_retry_schedule).split(",") if x.strip())
    faults = FaultConfig(
        error_rate=args.error_rate, throttle_rate=args.throttle_rate, latency_ms=args.latency_ms,
        drop_rate=args.drop_rate, timeout_after_write_rate=args.timeout_after_write_rate,
        webhook_duplicate_rate=args.webhook_duplicate_rate, webhook_drop_rate=args.webhook_drop_rate,
        webhook_delay_s=args.webhook_delay, webhook_reorder=args.webhook_reorder, seed=args.fault_seed,
    )  # fmt: skip
    return SandboxOptions(
        shop_domain=args.shop_domain, shop_name=args.shop_name, currency=args.currency, seed=args.seed,
        orders=args.orders, products=args.products, api_key=args.api_key, api_secret=args.api_secret,
        access_token=args.access_token or None, bucket_size=args.bucket_size, restore_rate=args.restore_rate,
        token_ttl=args.token_ttl, strict_refresh_rotation=args.strict_refresh_rotation,
        webhook_retry_schedule=schedule, compliance_uri=args.compliance_uri, faults=faults, app_url=args.app_url,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    app = create_app(options)
    server, base = serving.bind(app, args.host, args.port)
    print(f"Shopify sandbox on {base} (shop {args.shop_domain})")
    print(f"Its admin framing the app (--app-url, or PUT /__sandbox/app): {base}{admin_frame.admin_path(options)}")
    return serving.serve_until_interrupted(server, app.config["SANDBOX_DISPATCHER"].stop)


def start_in_thread(options: SandboxOptions | None = None) -> tuple[str, Callable[[], None]]:
    """Serve on 127.0.0.1 at a free port in a daemon thread; returns (base URL, stop)."""
    app = create_app(options)  # looked up in this module at call time (benchmarks/returns_driver.py counts it)
    return serving.start_in_thread(app, name="shopify-sandbox", on_stop=app.config["SANDBOX_DISPATCHER"].stop)


def main() -> int:  # pragma: no cover - convenience entry point
    parser = argparse.ArgumentParser(prog="shopify-sandbox")
    configure(parser)
    return run(parser.parse_args())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
