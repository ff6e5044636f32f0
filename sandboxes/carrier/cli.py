"""``returns-connector sandbox carrier``: serve the Sendcloud-shaped sandbox carrier with werkzeug."""

from __future__ import annotations

import argparse

from sandboxes.carrier.app import create_app
from sandboxes.carrier.carrier import CarrierOptions, carrier_of
from sandboxes.kit.faults import FaultConfig
from sandboxes.kit.serving import bind, serve_until_interrupted


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8083)
    parser.add_argument("--public-key", default="sandbox-public-key", help="Basic auth user (Sendcloud public key)")
    parser.add_argument("--secret-key", default="sandbox-secret-key", help="Basic auth password; signs webhooks")
    parser.add_argument("--webhook-url", default=None, help="where parcel_status_changed webhooks are pushed")
    parser.add_argument("--webhook-signature-key", default=None, help="sign webhooks with this instead")
    parser.add_argument(
        "--announce",
        choices=("immediate", "manual"),
        default="immediate",
        help="manual: labels wait for POST /__sandbox/returns/<id>/announce (which may fail them)",
    )
    faults = parser.add_argument_group("faults (random; counted faults: POST /__sandbox/faults/next)")
    faults.add_argument("--error-rate", type=float, default=0.0)
    faults.add_argument("--throttle-rate", type=float, default=0.0)
    faults.add_argument("--timeout-after-write-rate", type=float, default=0.0)
    faults.add_argument("--fault-seed", type=int, default=0)


def run(args: argparse.Namespace) -> int:
    options = CarrierOptions(public_key=args.public_key, secret_key=args.secret_key, webhook_url=args.webhook_url,
                             webhook_signature_key=args.webhook_signature_key, announce=args.announce)  # fmt: skip
    faults = FaultConfig.from_dict({"error_rate": args.error_rate, "throttle_rate": args.throttle_rate,
                                    "timeout_after_write_rate": args.timeout_after_write_rate,
                                    "seed": args.fault_seed})  # fmt: skip
    app = create_app(options, faults)
    server, base = bind(app, args.host, args.port)
    carrier_of(app).base_url = base
    print(f"Carrier sandbox (Sendcloud shapes) on {base}/api/v3/ (Basic {args.public_key}:{args.secret_key})")
    print(f"move parcels: POST {base}/__sandbox/returns/<id>/advance; webhooks: PUT {base}/__sandbox/webhooks")
    return serve_until_interrupted(server, carrier_of(app).dispatcher.stop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="carrier-sandbox", description=__doc__)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
