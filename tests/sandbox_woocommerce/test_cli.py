"""CLI wiring: options reach the app, bad fault values are refused before serving."""

from __future__ import annotations

import argparse

from sandboxes.woocommerce.cli import configure, options_from, run


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure(parser)
    return parser.parse_args(list(argv))


def test_options_from_arguments() -> None:
    args = _parse("--orders", "12", "--seed", "3", "--consumer-key", "ck_x", "--consumer-secret", "cs_y",
                  "--store-credit-type", "--error-rate", "0.25", "--webhook-delay", "1.5", "--latency-ms", "20",
                  "--wc-auth-confirm", "--timezone", "UTC")
    options = options_from(args)
    assert (options.orders, options.seed, options.consumer_key, options.consumer_secret) == (12, 3, "ck_x", "cs_y")
    assert options.store_credit_type and not options.wc_auth_auto_approve and options.timezone == "UTC"
    assert options.faults.error_rate == 0.25 and options.faults.webhook_delay_s == 1.5
    assert options.faults.latency_ms == 20
    defaults = options_from(_parse())
    assert defaults.faults.error_rate == 0.0 and not defaults.store_credit_type


def test_store_settings_from_arguments() -> None:
    options = options_from(_parse("--currency", "usd", "--no-prices-include-tax"))
    assert (options.currency, options.calc_taxes, options.prices_include_tax) == ("USD", True, False)
    defaults = options_from(_parse())
    assert (defaults.currency, defaults.calc_taxes, defaults.prices_include_tax) == ("EUR", True, True)


def test_invalid_fault_rate_exits_2() -> None:
    assert run(_parse("--drop-rate", "1.5", "--port", "0")) == 2
