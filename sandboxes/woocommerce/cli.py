"""``returns-connector sandbox woocommerce``: serve the sandbox shop with werkzeug's threaded server."""

from __future__ import annotations

import argparse
import sys

from sandboxes.kit.faults import FaultConfig
from sandboxes.kit.serving import bind, serve_until_interrupted
from sandboxes.woocommerce.app import create_app
from sandboxes.woocommerce.shop import SandboxOptions, shop_of


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated catalogue and orders")
    parser.add_argument("--orders", type=int, default=1000, help="number of seeded orders")
    parser.add_argument("--consumer-key", default=None, help="fixed consumer key (ck_...) for scripts")
    parser.add_argument("--consumer-secret", default=None, help="fixed consumer secret (cs_...)")
    parser.add_argument("--key-permissions", choices=("read", "write", "read_write"), default="read_write")
    parser.add_argument("--store-credit-type", action=argparse.BooleanOptionalAction, default=False,
                        help="act as if Smart Coupons is installed (discount_type smart_coupon)")
    parser.add_argument("--timezone", default="Europe/Paris", help="site timezone used for date_x fields")
    parser.add_argument("--currency", default="EUR", help="woocommerce_currency (the seed prices its catalogue in EUR)")
    parser.add_argument("--calc-taxes", action=argparse.BooleanOptionalAction, default=True,
                        help="woocommerce_calc_taxes: tax orders created over REST")
    parser.add_argument("--prices-include-tax", action=argparse.BooleanOptionalAction, default=True,
                        help="woocommerce_prices_include_tax: when off, a fixed_cart coupon comes off before tax")
    parser.add_argument("--basic-over-http", action=argparse.BooleanOptionalAction, default=True,
                        help="accept Basic/query keys on plain HTTP (real WooCommerce only does over HTTPS)")
    parser.add_argument("--wc-auth-confirm", action="store_true",
                        help="show an approve page on /wc-auth/v1/authorize instead of auto-approving")
    parser.add_argument("--gateway-delay-ms", type=int, default=0,
                        help="how long each gateway refund call takes (try > 5000 with the woocommerce package)")
    parser.add_argument("--webhook-timeout", type=float, default=60.0, help="seconds (WooCommerce: 60)")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--error-rate", type=float, default=0.0)
    faults.add_argument("--throttle-rate", type=float, default=0.0)
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--drop-rate", type=float, default=0.0)
    faults.add_argument("--timeout-after-write-rate", type=float, default=0.0)
    faults.add_argument("--webhook-duplicate-rate", type=float, default=0.0)
    faults.add_argument("--webhook-drop-rate", type=float, default=0.0)
    faults.add_argument("--webhook-delay", type=float, default=0.0, help="seconds before each delivery")
    faults.add_argument("--webhook-reorder", action="store_true")
    faults.add_argument("--fault-seed", type=int, default=0)


def options_from(args: argparse.Namespace) -> SandboxOptions:
    faults = FaultConfig.from_dict({
        "error_rate": args.error_rate, "throttle_rate": args.throttle_rate, "latency_ms": args.latency_ms,
        "drop_rate": args.drop_rate, "timeout_after_write_rate": args.timeout_after_write_rate,
        "webhook_duplicate_rate": args.webhook_duplicate_rate, "webhook_drop_rate": args.webhook_drop_rate,
        "webhook_delay_s": args.webhook_delay, "webhook_reorder": args.webhook_reorder, "seed": args.fault_seed,
    })  # fmt: skip
    return SandboxOptions(
        seed=args.seed, orders=args.orders, consumer_key=args.consumer_key, consumer_secret=args.consumer_secret,
        key_permissions=args.key_permissions, store_credit_type=args.store_credit_type, timezone=args.timezone,
        wc_auth_auto_approve=not args.wc_auth_confirm, webhook_timeout_s=args.webhook_timeout, faults=faults,
        gateway_delay_ms=args.gateway_delay_ms, basic_over_http=args.basic_over_http, currency=args.currency.upper(),
        calc_taxes=args.calc_taxes, prices_include_tax=args.prices_include_tax,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from(args)
    except ValueError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    app = create_app(options)
    key, _secret = app.config["WC_DEFAULT_KEY"]
    server, base = bind(app, args.host, args.port)
    shop_of(app).home_url = base
    print(f"WooCommerce sandbox on {base}/wp-json/wc/v3/ ({options.orders} orders, seed {options.seed})")
    print(f"consumer key {key}; secrets of generated keys: GET {base}/__sandbox/keys")
    return serve_until_interrupted(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="woocommerce-sandbox", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
