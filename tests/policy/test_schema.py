"""Policy documents: validation with key paths, TOML errors with file and line, storage round-trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.errors import ConfigError
from connector.policy import PolicyError, load, loads
from connector.policy.model import Anchor, BonusKind, Decision, OverrideKind, ShippingRefund
from connector.policy.schema import fingerprint, policy_from_dict, policy_to_dict

ROOT = Path(__file__).resolve().parents[2]


def errors_of(text: str) -> tuple[str, ...]:
    with pytest.raises(PolicyError) as caught:
        loads(text, "shop.toml")
    return caught.value.errors


def test_minimal_document_gets_documented_defaults() -> None:
    policy = loads('name = "x"')
    assert policy.windows.days == 30
    assert policy.windows.anchor is Anchor.DELIVERY
    assert policy.windows.transit_buffer_days == 5
    assert policy.default_action is Decision.REVIEW
    assert policy.fees.shipping_refund is ShippingRefund.NEVER
    assert policy.eu_withdrawal is None and policy.bonus is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'name = "x"\n[windows]\noverrides = [{kind="sku", match="A", days=1}, {kind="tag", match="b", days=2},'
            ' {kind="tag", match="c", days="ten"}]',
            "windows.overrides[2].days: Not a valid integer.",
        ),
        ('name = "x"\nsurprise = 1', "surprise: Unknown field."),
        ('name = "x"\n[fees]\nrefund_everything = true', "fees.refund_everything: Unknown field."),
        ('name = "x"\n[windows]\ndays = -1', "windows.days: Must be greater than or equal to 0."),
        ('name = "x"\n[windows]\nanchor = "moon"', "windows.anchor: Must be one of: delivery, fulfillment, order."),
        ("[windows]\ndays = 3", "name: Missing data for required field."),
        (
            'name = "x"\n[fees]\nreturn_shipping = {EUR = "4.905"}',
            "fees.return_shipping.EUR: More decimals than EUR has (2).",
        ),
        (
            'name = "x"\n[fees]\nreturn_shipping = {JPY = "4.5"}',
            "fees.return_shipping.JPY: More decimals than JPY has (0).",
        ),
        (
            'name = "x"\n[fees]\nreturn_shipping = {euro = 4}',
            "fees.return_shipping.euro: Not an ISO 4217 currency code.",
        ),
        ('name = "x"\n[fees]\nrestocking_percent = {bored = 5}', "fees.restocking_percent.bored: Not a reason code"),
        (
            'name = "x"\n[fees]\nrestocking_percent = {unwanted = 150}',
            "fees.restocking_percent.unwanted: Must be between 0 and 100.",
        ),
        (
            'name = "x"\n[fees]\nrestocking_percent = {defective = 5, wrong_item = 1}',
            "fees.restocking_percent: No restocking fee for merchant-fault reasons: defective, wrong_item.",
        ),
        ('name = "x"\n[bonus]\nkind = "percent"', "bonus.percent: A percentage bonus needs a percent above 0."),
        ('name = "x"\n[bonus]\nkind = "flat"', "bonus.flat: A flat bonus needs an amount per currency."),
        (
            'name = "x"\n[bonus]\nkind = "percent"\npercent = 5\noutcomes = ["refund"]',
            "bonus.outcomes: A bonus never comes with a refund.",
        ),
        (
            'name = "x"\n[keep_item]\nbelow = {EUR = 5}\noutcomes = ["exchange"]',
            "keep_item.outcomes: Keep-item cannot be an exchange.",
        ),
        ('name = "x"\ntimezone = "Mars/Olympus"', "timezone: Not a known IANA time zone."),
        (
            'name = "x"\n[windows]\nholidays = [{start=2026-12-01, end=2026-11-01, until=2027-01-01}]',
            "windows.holidays[0].end: Must not be before start.",
        ),
        (
            'name = "x"\n[[rules]]\nid="a"\npriority=1\naction="approve"\n'
            '[[rules]]\nid="a"\npriority=2\naction="review"',
            "rules: Duplicate rule ids: a.",
        ),
        (
            'name = "x"\n[[rules]]\nid="a"\npriority=1\naction="maybe"',
            "rules[0].action: Must be one of: approve, decline, review.",
        ),
        (
            'name = "x"\n[[rules]]\nid="a"\npriority=1\naction="approve"\nwhen={countries=["France"]}',
            "rules[0].when.countries[0]: String does not match expected pattern.",
        ),
        ('name = "x"\n[windows]\ndays = true', "windows.days: Not a valid integer."),
        (
            'name = "x"\n[windows]\nholidays = [{start=2026-11-15T10:00:00Z, end=2026-12-01, until=2027-01-01}]',
            "windows.holidays[0].start: Not a valid date (give a date without a time).",
        ),
        ('name = "x"\n[eu_withdrawal]\ndays = 7', "eu_withdrawal.days: Must be greater than or equal to 14."),
        (
            'name = "x"\n[eu_withdrawal]\nrefund_days = 30',
            "eu_withdrawal.refund_days: Must be greater than or equal to 1 and less than or equal to 14.",
        ),
    ],
)
def test_invalid_documents_name_the_key_path(text: str, expected: str) -> None:
    found = errors_of(text)
    assert any(line.startswith(expected) for line in found), found


def test_every_problem_is_reported_and_error_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        loads('name = 3\n[windows]\ndays = "x"\ntransit_buffer_days = 1.5', "shop.toml")
    assert isinstance(caught.value, PolicyError)
    assert caught.value.errors == (
        "name: Not a valid string.",
        "windows.days: Not a valid integer.",
        "windows.transit_buffer_days: Not a valid integer.",
    )
    assert str(caught.value).startswith("shop.toml: ")


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "shop.toml"
    bad.write_text('name = "x"\n[windows]\ndays = = 3\n', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load(bad)
    assert caught.value.source == str(bad)
    assert str(bad) in str(caught.value)
    assert "line 3" in str(caught.value)


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load(tmp_path / "absent.toml")


def test_round_trip_through_storage_form_is_lossless() -> None:
    policy = load(ROOT / "policies" / "default.toml")
    stored = policy_to_dict(policy)
    assert policy_from_dict(stored) == policy
    assert policy_to_dict(policy_from_dict(stored)) == stored


def test_fingerprint_ignores_how_the_document_is_written() -> None:
    a = loads('name = "x"\n[fees]\nreturn_shipping = {EUR = 4.9, JPY = 700}\n[exclusions]\ntags = ["b", "a"]')
    b = loads('name = "x"\n[exclusions]\ntags = ["a", "b", "a"]\n[fees]\nreturn_shipping = {JPY = "700", EUR = "4.90"}')
    assert a == b
    assert fingerprint(a) == fingerprint(b)
    assert len(fingerprint(a)) == 64


def test_fingerprint_changes_with_any_setting() -> None:
    base = loads('name = "x"\n[fees]\nreturn_shipping = {EUR = "4.90"}')
    other = loads('name = "x"\n[fees]\nreturn_shipping = {EUR = "4.91"}')
    assert fingerprint(base) != fingerprint(other)


def test_toml_floats_keep_their_written_digits() -> None:
    policy = loads('name = "x"\n[bonus]\nkind = "percent"\npercent = 7.1')
    assert policy.bonus is not None
    assert policy.bonus.kind is BonusKind.PERCENT
    assert policy.bonus.percent == Decimal("7.1")


def test_override_kinds_parse() -> None:
    policy = loads('name = "x"\n[windows]\noverrides = [{kind = "product_type", match = "Shoes", days = 10}]')
    assert policy.windows.overrides[0].kind is OverrideKind.PRODUCT_TYPE


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.toml")), ids=lambda p: p.name)
def test_example_policies_load(path: Path) -> None:
    policy = load(path)
    assert policy.name
    assert policy_from_dict(policy_to_dict(policy)) == policy


def test_fingerprint_is_cached_per_policy_but_follows_changes() -> None:
    from dataclasses import replace

    policy = load(ROOT / "policies" / "default.toml")
    assert fingerprint(policy) == fingerprint(policy)
    renamed = replace(policy, name="Another")
    assert fingerprint(renamed) != fingerprint(policy)
    assert fingerprint(replace(renamed, name=policy.name)) == fingerprint(policy)
    assert "_fingerprint" not in policy_to_dict(policy)
