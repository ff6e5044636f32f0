"""The policy form of the settings page (issue 20): every setting of the policy has its field, a policy written into
the form and read back is the same policy, and each kind of mistake is kept under its field with a code the page
words in the admin's language. Pure: no store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema

from connector.policy import load, loads
from connector.policy.model import Policy
from connector.policy.schema import (
    BonusSchema,
    CustomerLimitSchema,
    EuWithdrawalSchema,
    ExclusionsSchema,
    FeesSchema,
    HolidaySchema,
    KeepItemSchema,
    OutcomeRuleSchema,
    OutcomesSchema,
    PolicySchema,
    RuleConditionsSchema,
    RuleSchema,
    WindowOverrideSchema,
    WindowsSchema,
    policy_to_dict,
)
from connector.services.policy_settings import PolicyForm, form_of, read_form, with_eu_preset
from connector.services.policy_settings.reading import _flat, _name_for
from connector.services.policy_settings.spec import (
    BONUS,
    CHARGEABLE_REASONS,
    CUSTOMER_LIMIT,
    EU_SWITCH,
    EU_WITHDRAWAL,
    EXCLUSIONS,
    FEES,
    KEEP_ITEM,
    METHODS,
    OUTCOMES_SECTION,
    TOP,
    WINDOWS,
    Field,
    Rows,
    Section,
)
from connector.services.policy_settings.text import Refused, amounts
from connector.services.settings_form import CODES

POLICIES = Path(__file__).resolve().parents[2] / "policies"

EVERYTHING = """
name = "Everything"
timezone = "Europe/Paris"
locale = "fr"
default_action = "review"
methods = ["prepaid_label", "relay_point", "in_store"]
refund_on_first_scan_max = { EUR = "80", JPY = "9000" }

[windows]
days = 45
anchor = "fulfillment"
transit_buffer_days = 4
overrides = [{ kind = "tag", match = "sale", days = 14 }, { kind = "sku", match = "SKU-1", days = 60 }]
holidays = [{ start = 2026-11-15, end = 2026-12-24, until = 2027-01-31 }]

[exclusions]
final_sale = false
tags = ["gift-card", "final"]
product_types = ["Underwear"]
skus = ["X-1"]

[customer_limit]
max_returns = 5
period_days = 90

[outcomes]
allowed = ["refund", "store_credit", "exchange"]
exchange_scope = "any_product"

[[outcomes.rules]]
reasons = ["unwanted"]
tags = ["sale"]
collections = ["summer"]
product_types = ["Shoes"]
skus = ["S-1"]
allowed = ["store_credit"]

[bonus]
kind = "percent"
percent = "7.5"
outcomes = ["store_credit"]

[keep_item]
below = { EUR = "10.00" }
outcomes = ["refund"]

[fees]
return_shipping = { EUR = "4.90", USD = "5.50" }
waive_shipping_for = ["exchange", "store_credit"]
restocking_percent = { unwanted = 10, style = "2.5" }
shipping_refund = "full_return"
by_method = { relay_point = { EUR = "2.90" }, in_store = { EUR = "0" } }

[eu_withdrawal]
days = 30
refund_days = 10
customer_not_informed = true
countries = ["FR", "BE"]
excluded_tags = ["personalised"]
excluded_product_types = ["Cosmetics"]
cheapest_delivery = { EUR = "3.90" }
refund_delivery_on_partial = true
merchant_pays_return_shipping = true

[[rules]]
id = "big.one"
priority = 10
action = "review"
message = { en = "A person looks at it.", fr = "Une personne la regarde." }

[rules.when]
min_value = { EUR = "400" }
max_value = { EUR = "5000" }
min_customer_returns = 1
max_customer_returns = 9
history_days = 30
countries = ["US", "CA"]
tags = ["vip"]
methods = ["relay_point"]
outcomes = ["refund"]
keep_item = false
reasons = ["defective", "unwanted"]

[[rules]]
id = "keepers"
priority = 5
action = "approve"
when = { keep_item = true }
"""


def sent(form: PolicyForm, **changes: str | list[str]) -> dict[str, list[str]]:
    """The form as a browser sends it back, with ``changes`` typed in (a list for boxes)."""
    data = {name: list(values) for name, values in form.values.items()}
    data["base_version"] = [str(form.base_version)]
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def back(policy: Policy, **changes: str | list[str]) -> PolicyForm:
    return read_form(sent(form_of(policy, 3), **changes))


@pytest.mark.parametrize("policy", [
    load(POLICIES / "default.toml"), load(POLICIES / "eu-fr-withdrawal.toml"), loads(EVERYTHING), Policy(name="x"),
], ids=["default", "eu-fr", "everything", "bare"])
def test_a_policy_written_into_the_form_and_read_back_is_the_same(policy: Policy) -> None:
    form = back(policy)
    assert form.errors == {}
    assert form.policy is not None
    assert policy_to_dict(form.policy) == policy_to_dict(policy)
    assert form.base_version == 3


SECTION_SCHEMAS: list[tuple[Section, type[Schema], tuple[str, ...]]] = [
    (TOP, PolicySchema, ("version", "windows", "exclusions", "customer_limit", "outcomes", "bonus", "keep_item",
                         "fees", "eu_withdrawal")),
    (WINDOWS, WindowsSchema, ()),
    (EXCLUSIONS, ExclusionsSchema, ()),
    (CUSTOMER_LIMIT, CustomerLimitSchema, ()),
    (OUTCOMES_SECTION, OutcomesSchema, ()),
    (BONUS, BonusSchema, ()),
    (KEEP_ITEM, KeepItemSchema, ()),
    (FEES, FeesSchema, ()),
    (EU_WITHDRAWAL, EuWithdrawalSchema, ()),
]


@pytest.mark.parametrize(("section", "schema", "elsewhere"), SECTION_SCHEMAS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_setting_of_the_policy_has_its_field(section: Section, schema: type[Schema],
                                                   elsewhere: tuple[str, ...]) -> None:
    """A setting added to the schema and not to the form fails here, naming it."""
    covered = {item.path[0] for item in section.fields} - {EU_SWITCH}
    assert set(schema._declared_fields) - set(elsewhere) == covered


@pytest.mark.parametrize(("rows_path", "schema"), [
    (("windows", "overrides"), WindowOverrideSchema), (("windows", "holidays"), HolidaySchema),
    (("outcomes", "rules"), OutcomeRuleSchema), (("rules",), RuleSchema),
])
def test_every_setting_of_a_list_row_has_its_field(rows_path: tuple[str, ...], schema: type[Schema]) -> None:
    rows = next(item for section in (TOP, WINDOWS, OUTCOMES_SECTION) for item in section.fields
                if isinstance(item, Rows) and (*section.path, *item.path) == rows_path)
    assert set(schema._declared_fields) == {item.path[0] for item in rows.fields}
    if rows_path == ("rules",):
        when = {item.path[1] for item in rows.fields if item.path[0] == "when"}
        assert set(RuleConditionsSchema._declared_fields) == when


def test_restocking_fees_are_offered_only_for_reasons_that_may_carry_one() -> None:
    names = {item.path for item in FEES.fields if isinstance(item, Field)}
    assert ("restocking_percent", "defective") not in names
    assert {("restocking_percent", r) for r in CHARGEABLE_REASONS} <= names
    assert {("by_method", m) for m in METHODS} <= names


MISTAKES: list[tuple[str, str | list[str], str]] = [
    ("name", "  ", "required"),
    ("timezone", "Mars/Olympus", "timezone"),
    ("windows-days", "thirty", "integer"),
    ("windows-days", "-1", "at_least"),
    ("windows-days", "", "required"),
    ("windows-anchor", "moon", "choice"),
    ("methods", [], "choose_one"),
    ("methods", ["teleport"], "choice"),
    ("fees-return_shipping", "EUR 4.999", "decimals"),
    ("fees-return_shipping", "EURO 4", "currency"),
    ("fees-return_shipping", "EUR", "amounts"),
    ("fees-return_shipping", "EUR 4; EUR 5", "currency_twice"),
    ("fees-return_shipping", "EUR -4", "amounts"),
    ("fees-restocking_percent-unwanted", "101", "at_most"),
    ("fees-restocking_percent-unwanted", "ten", "number"),
    ("fees-by_method-home_pickup", "EUR 9", "method_not_offered"),
    ("eu_withdrawal-days", "10", "at_least"),
    ("eu_withdrawal-refund_days", "20", "at_most"),
    ("eu_withdrawal-countries", "FRA", "country"),
    ("windows-holidays-0-start", "15/11/2026", "date"),
    ("windows-holidays-0-end", "2026-11-01", "not_before_start"),
    ("windows-holidays-0-until", "2026-12-01", "not_before_end"),
    ("rules-0-id", "Big One", "rule_id"),
    ("rules-1-id", "big.one", "rule_id_twice"),
    ("rules-0-when-keep_item", "maybe", "choice"),
    ("outcomes-rules-0-allowed", [], "choose_one"),
    ("windows-overrides-1-match", "", "required"),
    ("name", "x" * 2001, "too_long"),
]


@pytest.mark.parametrize(("name", "typed", "code"), MISTAKES, ids=[f"{n}:{c}" for n, _, c in MISTAKES])
def test_each_mistake_is_kept_under_its_field_with_its_code(name: str, typed: str | list[str], code: str) -> None:
    form = back(loads(EVERYTHING), **{name: typed})
    assert form.policy is None
    assert name in form.errors, form.errors
    assert form.errors[name].code == code
    assert form.chosen(name) == (tuple(typed) if isinstance(typed, list) else (typed,))  # shown back as typed
    assert set(form.errors) == {name}, "one mistake marks one field"


def test_a_message_names_what_was_wrong() -> None:
    form = back(loads(EVERYTHING), **{"fees-return_shipping": "EUR 4.999", "windows-days": "-2"})
    assert dict(form.errors["fees-return_shipping"].params) == {"currency": "EUR", "places": 2}
    assert dict(form.errors["windows-days"].params) == {"min": "0"}


def test_amounts_are_read_as_merchants_type_them() -> None:
    assert amounts("4,90 EUR; usd 5") == {"EUR": "4.90", "USD": "5"}
    assert amounts("EUR 4.90, USD 5.5") == {"EUR": "4.90", "USD": "5.5"}
    assert amounts("JPY 600") == {"JPY": "600"}
    with pytest.raises(Refused) as refused:
        amounts("JPY 600.5")
    assert refused.value.problem.code == "decimals"


def test_empty_rows_are_left_out_and_a_removed_row_goes() -> None:
    policy = loads(EVERYTHING)
    form = form_of(policy, 1)
    assert form.rows("windows-overrides") == range(3)  # two stored, one empty to add
    assert form.rows("rules") == range(3)
    data = sent(form, **{"windows-overrides-0-remove": "1", "rules-2-history_days": "365",
                         "windows-overrides-7-kind": "", "windows-overrides-7-match": " "})
    read = read_form(data)
    assert read.errors == {}
    assert read.policy is not None
    assert [o.match for o in read.policy.windows.overrides] == ["SKU-1"]
    assert len(read.policy.rules) == 2
    assert read.rows("windows-overrides") == range(3), "rows up to the last holding something, and one empty"
    again = read_form(sent(read))
    assert again.rows("windows-overrides") == range(3), "an empty row sent back adds no other"


def test_a_new_row_typed_into_the_empty_one_is_added() -> None:
    form = form_of(Policy(name="x"), 0)
    read = read_form(sent(form, **{"rules-0-id": "far-away", "rules-0-priority": "1", "rules-0-action": "decline",
                                   "rules-0-when-countries": "us, ca", "rules-0-when-history_days": "365",
                                   "rules-0-message-en": "Not from there."}))
    assert read.errors == {}
    assert read.policy is not None
    (rule,) = read.policy.rules
    assert rule.when.countries == frozenset({"US", "CA"})
    assert rule.message == {"en": "Not from there."}


def test_optional_tables_are_off_until_their_switch_has_a_value() -> None:
    form = form_of(Policy(name="x"), 0)
    assert form.value("customer_limit-period_days") == "365"  # the defaults show, ready to turn on
    assert not form.checked("eu_withdrawal-enabled")
    assert form.value("eu_withdrawal-days") == "14"
    assert form.policy is not None
    off = read_form(sent(form, **{"bonus-percent": "not even a number"}))  # a table left off is not checked
    assert off.errors == {} and off.policy is not None and off.policy.bonus is None
    on = read_form(sent(form, **{"customer_limit-max_returns": "3", "eu_withdrawal-enabled": "1"}))
    assert on.policy is not None and on.policy.customer_limit is not None
    assert on.policy.customer_limit.max_returns == 3
    assert on.policy.eu_withdrawal is not None and on.policy.eu_withdrawal.days == 14


def test_the_eu_preset_turns_the_withdrawal_right_on_and_keeps_what_was_typed() -> None:
    form = form_of(Policy(name="x"), 2)
    data = sent(form, **{"eu_withdrawal-days": "", "eu_withdrawal-refund_days": "10", "windows-days": "21"})
    preset = with_eu_preset(data)
    assert preset.checked("eu_withdrawal-enabled")
    assert preset.value("eu_withdrawal-days") == "14"
    assert preset.value("eu_withdrawal-refund_days") == "10"
    assert preset.value("windows-days") == "21"
    assert preset.base_version == 2
    assert preset.errors == {}
    read = read_form(sent(preset))
    assert read.policy is not None and read.policy.eu_withdrawal is not None
    assert "FR" in read.policy.eu_withdrawal.countries


def test_what_only_the_schema_refuses_lands_under_the_field_its_path_names() -> None:
    names = {("fees", "return_shipping"): "fees-return_shipping", ("rules", 0, "id"): "rules-3-id"}
    pairs = _flat({"fees": {"return_shipping": {"EUR": ["Too many."]}}, "rules": {0: {"id": ["Bad."]}},
                   "_schema": ["Odd."]}, ())
    assert [(_name_for(names, path), message) for path, message in pairs] == [
        ("fees-return_shipping", "Too many."), ("rules-3-id", "Bad."), ("_form", "Odd."),
    ]


_names = st.sampled_from(["name", "windows-days", "methods", "rules-0-id", "rules-49-priority", "rules-999-id",
                          "fees-return_shipping", "windows-holidays-0-start", "eu_withdrawal-enabled",
                          "bonus-kind", "outcomes-rules-3-allowed", "base_version", "unknown", "rules--1-id"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_names, st.lists(st.text(max_size=40), max_size=3), max_size=10))
def test_whatever_is_sent_the_form_answers_with_fields_marked_never_an_exception(data: dict[str, Any]) -> None:
    form = read_form(data)
    assert bool(form.errors) != (form.policy is not None), "either a policy or the fields marked"
    assert all(problem.code in CODES for problem in form.errors.values())
