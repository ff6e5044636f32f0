"""Marshmallow schema for policy documents: validation with key paths, and the storage form.

``policy_from_dict`` validates a plain document (from TOML or JSON storage) and builds the dataclass tree;
``policy_to_dict`` gives the canonical JSON-ready form whose sha256 is the policy's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    validate,
    validates_schema,
)

from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind, ReturnMethod
from connector.policy.errors import PolicyError
from connector.policy.model import (
    Amounts,
    Anchor,
    Bonus,
    BonusKind,
    CustomerLimit,
    Decision,
    EuWithdrawal,
    ExchangeScope,
    Exclusions,
    Fees,
    HolidayExtension,
    KeepItem,
    OutcomeRule,
    Outcomes,
    OverrideKind,
    Policy,
    Rule,
    RuleConditions,
    ShippingRefund,
    WindowOverride,
    Windows,
)
from connector.policy.schema_fields import (
    AmountsField,
    DateOnly,
    DecimalText,
    PercentByReason,
    SetField,
    TextByLocale,
    non_negative_int,
    outcome_set,
    word_set,
)

SCHEMA_VERSION = 1


class _Base(Schema):
    """Unknown keys are errors; ``None`` is left out of the stored form."""

    class Meta:
        unknown = RAISE

    model: type[Any] | None = None

    @post_load
    def _build(self, data: dict[str, Any], **kw: Any) -> Any:
        assert self.model is not None
        return self.model(**data)

    @post_dump
    def _drop_none(self, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class WindowOverrideSchema(_Base):
    model = WindowOverride
    kind = fields.Enum(OverrideKind, by_value=True, required=True)
    match = fields.String(required=True, validate=validate.Length(min=1))
    days = non_negative_int(required=True)


class HolidaySchema(_Base):
    model = HolidayExtension
    start = DateOnly(required=True)
    end = DateOnly(required=True)
    until = DateOnly(required=True)

    @validates_schema
    def _order(self, data: dict[str, Any], **kw: Any) -> None:
        if {"start", "end", "until"} <= data.keys():
            if data["start"] > data["end"]:
                raise ValidationError("Must not be before start.", "end")
            if data["until"] < data["end"]:
                raise ValidationError("Must not be before end.", "until")


class WindowsSchema(_Base):
    model = Windows
    days = non_negative_int(load_default=30)
    anchor = fields.Enum(Anchor, by_value=True, load_default=Anchor.DELIVERY)
    transit_buffer_days = non_negative_int(load_default=5)
    overrides = fields.List(fields.Nested(WindowOverrideSchema), load_default=())
    holidays = fields.List(fields.Nested(HolidaySchema), load_default=())

    @post_load
    def _build(self, data: dict[str, Any], **kw: Any) -> Any:
        data["overrides"] = tuple(data["overrides"])
        data["holidays"] = tuple(data["holidays"])
        return Windows(**data)


class ExclusionsSchema(_Base):
    model = Exclusions
    tags = word_set()
    product_types = word_set()
    skus = word_set()
    final_sale = fields.Boolean(load_default=True)


class CustomerLimitSchema(_Base):
    model = CustomerLimit
    max_returns = non_negative_int(required=True)
    period_days = fields.Integer(strict=True, validate=validate.Range(min=1), load_default=365)


class OutcomeRuleSchema(_Base):
    model = OutcomeRule
    allowed = outcome_set(required=True)
    reasons = SetField(fields.Enum(ReasonCode, by_value=True), load_default=frozenset())
    tags = word_set()
    product_types = word_set()
    collections = word_set()
    skus = word_set()


class OutcomesSchema(_Base):
    model = Outcomes
    allowed = outcome_set(load_default=frozenset(ResolutionKind))
    exchange_scope = fields.Enum(ExchangeScope, by_value=True, load_default=ExchangeScope.VARIANT)
    rules = fields.List(fields.Nested(OutcomeRuleSchema), load_default=())

    @post_load
    def _build(self, data: dict[str, Any], **kw: Any) -> Any:
        data["rules"] = tuple(data["rules"])
        return Outcomes(**data)


class BonusSchema(_Base):
    model = Bonus
    kind = fields.Enum(BonusKind, by_value=True, required=True)
    percent = DecimalText(min_value=Decimal(0), max_value=Decimal(100), load_default=Decimal(0))
    flat = AmountsField(load_default=Amounts())
    outcomes = outcome_set(
        load_default=frozenset({ResolutionKind.STORE_CREDIT, ResolutionKind.EXCHANGE}),
        validate=validate.ContainsNoneOf([ResolutionKind.REFUND], error="A bonus never comes with a refund."),
    )

    @validates_schema
    def _complete(self, data: dict[str, Any], **kw: Any) -> None:
        if data.get("kind") is BonusKind.PERCENT and not data.get("percent"):
            raise ValidationError("A percentage bonus needs a percent above 0.", "percent")
        if data.get("kind") is BonusKind.FLAT and not data.get("flat", Amounts()).by_currency:
            raise ValidationError("A flat bonus needs an amount per currency.", "flat")


class KeepItemSchema(_Base):
    model = KeepItem
    below = AmountsField(required=True)
    outcomes = outcome_set(
        load_default=frozenset({ResolutionKind.REFUND, ResolutionKind.STORE_CREDIT}),
        validate=validate.ContainsNoneOf([ResolutionKind.EXCHANGE], error="Keep-item cannot be an exchange."),
    )


class FeesSchema(_Base):
    model = Fees
    return_shipping = AmountsField(load_default=Amounts())
    waive_shipping_for = outcome_set(load_default=frozenset())
    restocking_percent = PercentByReason(load_default=MappingProxyType({}))
    shipping_refund = fields.Enum(ShippingRefund, by_value=True, load_default=ShippingRefund.NEVER)
    by_method = fields.Dict(
        keys=fields.Enum(ReturnMethod, by_value=True), values=AmountsField(), load_default=MappingProxyType({})
    )

    @validates_schema
    def _never_merchant_fault(self, data: dict[str, Any], **kw: Any) -> None:
        faulty = sorted(str(r) for r in data.get("restocking_percent", {}) if r.is_merchant_fault)
        if faulty:
            message = f"No restocking fee for merchant-fault reasons: {', '.join(faulty)}."
            raise ValidationError(message, "restocking_percent")


class RuleConditionsSchema(_Base):
    model = RuleConditions
    reasons = SetField(fields.Enum(ReasonCode, by_value=True), load_default=frozenset())
    min_value = AmountsField(load_default=None)
    max_value = AmountsField(load_default=None)
    min_customer_returns = non_negative_int(load_default=None)
    max_customer_returns = non_negative_int(load_default=None)
    history_days = fields.Integer(strict=True, validate=validate.Range(min=1), load_default=365)
    countries = SetField(fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")), load_default=frozenset())
    tags = word_set()
    methods = SetField(fields.Enum(ReturnMethod, by_value=True), load_default=frozenset())
    outcomes = outcome_set(load_default=frozenset())
    keep_item = fields.Boolean(load_default=None)


class RuleSchema(_Base):
    model = Rule
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_.-]*$"))
    priority = fields.Integer(strict=True, required=True)
    action = fields.Enum(Decision, by_value=True, required=True)
    when = fields.Nested(RuleConditionsSchema, load_default=RuleConditions())
    message = TextByLocale(keys=fields.String(), values=fields.String(), load_default=MappingProxyType({}))


class EuWithdrawalSchema(_Base):
    model = EuWithdrawal
    days = fields.Integer(strict=True, validate=validate.Range(min=14), load_default=14)
    refund_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=14), load_default=14)
    customer_not_informed = fields.Boolean(load_default=False)
    countries = SetField(fields.String(validate=validate.Regexp(r"^[A-Z]{2}$")), load_default=EuWithdrawal().countries)
    excluded_tags = word_set()
    excluded_product_types = word_set()
    cheapest_delivery = AmountsField(load_default=Amounts())
    refund_delivery_on_partial = fields.Boolean(load_default=False)
    merchant_pays_return_shipping = fields.Boolean(load_default=False)


def _valid_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Not a known IANA time zone.") from exc


class PolicySchema(_Base):
    model = Policy
    name = fields.String(required=True, validate=validate.Length(min=1))
    version = fields.Integer(strict=True, validate=validate.Equal(SCHEMA_VERSION), load_default=SCHEMA_VERSION)
    timezone = fields.String(validate=_valid_timezone, load_default="UTC")
    locale = fields.String(validate=validate.OneOf(["en", "fr"]), load_default="en")
    windows = fields.Nested(WindowsSchema, load_default=Windows())
    exclusions = fields.Nested(ExclusionsSchema, load_default=Exclusions())
    customer_limit = fields.Nested(CustomerLimitSchema, load_default=None)
    outcomes = fields.Nested(OutcomesSchema, load_default=Outcomes())
    bonus = fields.Nested(BonusSchema, load_default=None)
    keep_item = fields.Nested(KeepItemSchema, load_default=None)
    fees = fields.Nested(FeesSchema, load_default=Fees())
    rules = fields.List(fields.Nested(RuleSchema), load_default=())
    default_action = fields.Enum(Decision, by_value=True, load_default=Decision.REVIEW)
    eu_withdrawal = fields.Nested(EuWithdrawalSchema, load_default=None)
    methods = SetField(
        fields.Enum(ReturnMethod, by_value=True),
        validate=validate.Length(min=1),
        load_default=frozenset({ReturnMethod.PREPAID_LABEL}),
    )
    refund_on_first_scan_max = AmountsField(load_default=None)

    @validates_schema
    def _fees_of_offered_methods(self, data: dict[str, Any], **kw: Any) -> None:
        """A fee for a method the shop does not offer is a typo or a forgotten ``methods`` entry: say so."""
        offered = data.get("methods", frozenset({ReturnMethod.PREPAID_LABEL}))
        fees = data.get("fees")
        priced = set(fees.by_method) if isinstance(fees, Fees) else set()
        stray = sorted(str(method) for method in priced - offered)
        if stray:
            raise ValidationError({"by_method": [f"Not in methods: {', '.join(stray)}."]}, "fees")

    @validates_schema
    def _unique_rule_ids(self, data: dict[str, Any], **kw: Any) -> None:
        ids = [rule.id for rule in data.get("rules", ())]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValidationError(f"Duplicate rule ids: {', '.join(duplicates)}.", "rules")

    @post_load
    def _build(self, data: dict[str, Any], **kw: Any) -> Any:
        data["rules"] = tuple(data["rules"])
        return Policy(**data)


def flatten_errors(messages: Any, prefix: str = "") -> list[str]:
    """``{"windows": {"overrides": {2: {"days": [...]}}}}`` -> ``["windows.overrides[2].days: ..."]``."""
    if isinstance(messages, str):
        return [f"{prefix or '(policy)'}: {messages}"]
    if isinstance(messages, list):
        return [line for item in messages for line in flatten_errors(item, prefix)]
    lines: list[str] = []
    for key, value in sorted(messages.items(), key=lambda kv: (str(type(kv[0])), kv[0])):
        if key == "_schema":
            path = prefix
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        lines.extend(flatten_errors(value, path))
    return lines


def policy_from_dict(data: Mapping[str, object], source: str = "policy") -> Policy:
    """Validate and build; every problem is reported with its key path."""
    if not isinstance(data, Mapping):
        raise PolicyError(source, ["(policy): Not a mapping."])
    try:
        policy = PolicySchema().load(dict(data))
    except ValidationError as exc:
        raise PolicyError(source, flatten_errors(exc.messages)) from exc
    assert isinstance(policy, Policy)
    return policy


def policy_to_dict(policy: Policy) -> dict[str, object]:
    result = PolicySchema().dump(policy)
    assert isinstance(result, dict)
    return result


def canonical_json(policy: Policy) -> str:
    return json.dumps(policy_to_dict(policy), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(policy: Policy) -> str:
    """sha256 of the canonical JSON form: equal policies, however written, share a fingerprint.

    Kept on the policy after the first call: every evaluation stamps it, and a policy is immutable
    (``dataclasses.replace`` builds a new one, with no fingerprint yet).
    """
    if policy._fingerprint is None:
        digest = hashlib.sha256(canonical_json(policy).encode("utf-8")).hexdigest()
        object.__setattr__(policy, "_fingerprint", digest)
    assert policy._fingerprint is not None
    return policy._fingerprint
