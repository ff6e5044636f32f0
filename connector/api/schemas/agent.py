"""Agent side: searching returns, reading one in full, and acting on it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from connector.api.context import LOCALES
from connector.api.schemas.common import AmountsSchema, FeesSchema, ResolutionSchema
from connector.api.settings import PAGE_DEFAULT, PAGE_MAX
from connector.domain.reasons import ReasonCode
from connector.domain.refund_deadline import DeadlineRisk
from connector.domain.resolutions import Condition, Disposition
from connector.domain.states import ReturnStatus

AMOUNT = validate.Regexp(r"^\d{1,12}(\.\d{1,4})?$", error="a non-negative decimal amount as a string, e.g. \"12.50\"")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 currency code, e.g. EUR")


class ListQuerySchema(Schema):
    status = fields.Enum(ReturnStatus, by_value=True)
    reason = fields.Enum(ReasonCode, by_value=True)
    email = fields.Email(metadata={"description": "the customer's e-mail (case-insensitive)"})
    order_id = fields.String(validate=validate.Length(min=1, max=128))
    order_name = fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "e.g. #1001"})
    created_from = fields.AwareDateTime(metadata={"description": "inclusive, ISO 8601 with offset"})
    created_to = fields.AwareDateTime(metadata={"description": "exclusive, ISO 8601 with offset"})
    refund_deadline = fields.String(
        validate=validate.OneOf(["at_risk", *[risk.value for risk in DeadlineRisk]]),
        metadata={"description": "EU withdrawal returns not yet paid whose refund deadline is within two days "
                                 "(due_soon), past (overdue), or either (at_risk)"},
    )
    limit = fields.Integer(load_default=PAGE_DEFAULT, validate=validate.Range(min=1, max=PAGE_MAX))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("created_from"), data.get("created_to")
        if start is not None and end is not None and start >= end:
            raise ValidationError("must be after created_from", "created_to")


class DetailQuerySchema(Schema):
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "else Accept-Language"})


class ReturnSummarySchema(Schema):
    id = fields.String(required=True)
    order_id = fields.String(required=True)
    order_name = fields.String(required=True)
    customer_email = fields.String(required=True)
    status = fields.String(required=True)
    method = fields.String(required=True)
    currency = fields.String(required=True)
    total_quantity = fields.Integer(required=True)
    platform_return_id = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(allow_none=True)
    amounts = fields.Nested(AmountsSchema, allow_none=True)
    refund_due_by = fields.AwareDateTime(allow_none=True, metadata={"description": "EU withdrawal deadline"})
    refund_deadline = fields.String(allow_none=True, metadata={
        "description": "due_soon or overdue while unpaid and open; null otherwise"})


class ReturnListSchema(Schema):
    items = fields.List(fields.Nested(ReturnSummarySchema), required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    next_offset = fields.Integer(allow_none=True, metadata={"description": "null on the last page"})


class AgentLineSchema(Schema):
    id = fields.String(required=True)
    order_line_id = fields.String(required=True)
    quantity = fields.Integer(required=True)
    received_quantity = fields.Integer(required=True)
    reason = fields.String(required=True)
    reason_handle = fields.String(allow_none=True)
    customer_note = fields.String(required=True)
    resolution = fields.Nested(ResolutionSchema, required=True)
    condition = fields.String(allow_none=True)
    disposition = fields.String(allow_none=True)
    platform_line_id = fields.String(allow_none=True)


class EventSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor_kind = fields.String(required=True)
    actor_id = fields.String(required=True)
    action = fields.String(required=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String(required=True)
    reason = fields.String(required=True)
    data = fields.Dict(required=True)


class ActionStateSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": ["pending", "running", "unknown", "succeeded", "failed"]})
    idempotency_key = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    payload = fields.Dict(required=True)
    result = fields.Dict(allow_none=True)


class ReturnDetailSchema(ReturnSummarySchema):
    lines = fields.List(fields.Nested(AgentLineSchema), required=True)
    fees = fields.Nested(FeesSchema, allow_none=True)
    decline_reason = fields.String(allow_none=True)
    keep_item = fields.Boolean(required=True)
    money_moved = fields.Boolean(required=True)
    refund_due_by = fields.AwareDateTime(allow_none=True)
    version = fields.Integer(required=True)
    evaluation = fields.Dict(allow_none=True, metadata={"description": "the policy's stored decision and reasons"})
    explanation = fields.List(fields.String(), required=True, metadata={"description": "in the asked locale"})
    events = fields.List(fields.Nested(EventSchema), required=True)
    actions = fields.List(fields.Nested(ActionStateSchema), required=True)


class ActedSchema(Schema):
    return_ = fields.Nested(ReturnDetailSchema, required=True, data_key="return")
    action_ids = fields.List(fields.String(), required=True, metadata={"description": "platform actions recorded"})


def _text(required: bool, max_length: int = 2000) -> fields.String:
    checks: list[validate.Validator] = [validate.Length(min=1 if required else 0, max=max_length)]
    if required:
        checks.append(validate.Regexp(r"\S", error="must not be blank"))
    if required:
        return fields.String(required=True, validate=checks)
    return fields.String(load_default="", validate=checks)


class ApproveSchema(Schema):
    reason = _text(False)


class DeclineSchema(Schema):
    reason = _text(True)


class InTransitSchema(Schema):
    tracking = _text(False, 255)


class ReceivedLineSchema(Schema):
    line_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))


class ReceiveSchema(Schema):
    lines = fields.List(fields.Nested(ReceivedLineSchema), required=True, validate=validate.Length(min=1, max=100))

    @validates_schema
    def _unique(self, data: dict[str, Any], **_: Any) -> None:
        ids = [line["line_id"] for line in data.get("lines", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("name each line once", "lines")


class InspectSchema(Schema):
    line_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    condition = fields.Enum(Condition, by_value=True, allow_none=True, load_default=None)
    disposition = fields.Enum(Disposition, by_value=True, required=True)
    note = _text(False)


class MoneyInputSchema(Schema):
    amount = fields.String(required=True, validate=AMOUNT, metadata={"example": "12.50"})
    currency = fields.String(required=True, validate=CURRENCY, metadata={"example": "EUR"})


class ResolveSchema(Schema):
    override = fields.Nested(MoneyInputSchema, allow_none=True, load_default=None,
                             metadata={"description": "pay this amount instead of the computed one"})
    reason = fields.String(load_default="", validate=validate.Length(max=2000),
                           metadata={"description": "required when overriding"})
    restock_location_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=128))

    @validates_schema
    def _reason(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("override") is not None and not str(data.get("reason", "")).strip():
            raise ValidationError("overriding the amount needs a reason", "reason")


class RefundOverrideSchema(Schema):
    override = fields.Nested(MoneyInputSchema, required=True,
                             metadata={"description": "pay this amount instead: at most what the order has left "
                                                      "to refund at the shop, in the return's currency"})
    reason = _text(True)
    action_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=64),
                              metadata={"description": "the failed refund or store-credit action to replace "
                                                       "(default: the return's latest failed one)"})


class CancelSchema(Schema):
    reason = _text(True)


class NoteSchema(Schema):
    text = _text(True, 5000)
