"""Customer side: finding an order, its returnable lines, asking for a return, following it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from connector.api.context import LOCALES
from connector.api.schemas.common import AmountsSchema, FeesSchema, MoneySchema, ResolutionSchema
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import ResolutionKind, ReturnMethod


class LookupRequestSchema(Schema):
    order_number = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"example": "#1001"}
    )
    email = fields.Email(required=True, validate=validate.Length(max=320), metadata={"example": "ana@example.com"})


class OrderRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    currency = fields.String()


class LookupResponseSchema(Schema):
    token = fields.String(required=True, metadata={"description": "send as `Authorization: Bearer <token>`"})
    expires_at = fields.AwareDateTime(required=True)
    order = fields.Nested(OrderRefSchema, required=True)


class LocaleQuerySchema(Schema):
    locale = fields.String(validate=validate.OneOf(LOCALES), metadata={"description": "else Accept-Language"})


class LineFeesSchema(Schema):
    return_shipping = fields.Nested(MoneySchema, required=True, metadata={"description": "per return"})
    restocking_percent = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata={"description": "per reason code"}
    )


class EligibleLineSchema(Schema):
    line_id = fields.String(required=True)
    title = fields.String(required=True)
    variant_title = fields.String(allow_none=True)
    quantity_ordered = fields.Integer(required=True)
    returnable_quantity = fields.Integer(required=True)
    eligible = fields.Boolean(required=True)
    deadline = fields.Date(allow_none=True)
    deadline_at = fields.AwareDateTime(allow_none=True)
    withdrawal = fields.Boolean(required=True, metadata={"description": "the legal withdrawal right applies"})
    allowed_outcomes = fields.List(fields.String(), required=True)
    outcomes_by_reason = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    fees = fields.Nested(LineFeesSchema, required=True)
    explanation = fields.List(fields.String(), required=True)


class CreditBonusSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": ["flat", "percent"]})
    percent = fields.String(allow_none=True)
    flat = fields.Nested(MoneySchema, allow_none=True)
    outcomes = fields.List(fields.String(), required=True)


class KeepItemOfferSchema(Schema):
    below = fields.Nested(MoneySchema, required=True, metadata={"description": "returns worth less than this"})
    outcomes = fields.List(fields.String(), required=True, metadata={"description": "with these outcomes only"})


class LinesResponseSchema(Schema):
    shop_id = fields.String(required=True)
    order = fields.Nested(OrderRefSchema, required=True)
    locale = fields.String(required=True)
    lines = fields.List(fields.Nested(EligibleLineSchema), required=True)
    reasons = fields.List(fields.String(), required=True)
    methods = fields.List(fields.String(), required=True)
    credit_bonus = fields.Nested(CreditBonusSchema, allow_none=True)
    keep_item = fields.Nested(
        KeepItemOfferSchema, allow_none=True,
        metadata={"description": "when the customer may keep the goods (ask with keep_item); null: never"},
    )


class RequestedResolutionSchema(Schema):
    kind = fields.Enum(ResolutionKind, by_value=True, required=True)
    exchange_variant_id = fields.String(validate=validate.Length(min=1, max=128))
    exchange_product_id = fields.String(validate=validate.Length(min=1, max=128))
    difference_as_credit = fields.Boolean(
        load_default=False,
        metadata={"description": "exchanges: a cheaper replacement's difference as store credit, not refunded"},
    )

    @validates_schema
    def _target(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("kind") is ResolutionKind.EXCHANGE and not data.get("exchange_variant_id"):
            raise ValidationError("an exchange names the variant to send", "exchange_variant_id")
        if data.get("kind") is not ResolutionKind.EXCHANGE:
            for name in ("exchange_variant_id", "exchange_product_id"):
                if data.get(name):
                    raise ValidationError("only an exchange names a variant or product", name)
            if data.get("difference_as_credit"):
                raise ValidationError("only an exchange has a difference to take as credit", "difference_as_credit")


class RequestedLineSchema(Schema):
    order_line_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    reason = fields.Enum(ReasonCode, by_value=True, required=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    resolution = fields.Nested(RequestedResolutionSchema, required=True)


class CreateReturnRequestSchema(Schema):
    lines = fields.List(fields.Nested(RequestedLineSchema), required=True, validate=validate.Length(min=1, max=100))
    method = fields.Enum(ReturnMethod, by_value=True, required=True)
    keep_item = fields.Boolean(
        load_default=False,
        metadata={"description": "keep the goods instead of sending them back (a returnless refund or credit), "
                                 "when the shop's policy grants it; otherwise 422 keep_item_refused says why"},
    )


class CustomerLineSchema(Schema):
    id = fields.String(required=True)
    order_line_id = fields.String(required=True)
    title = fields.String(allow_none=True)
    quantity = fields.Integer(required=True)
    received_quantity = fields.Integer(required=True)
    reason = fields.String(required=True)
    resolution = fields.Nested(ResolutionSchema, required=True)


class CustomerEventSchema(Schema):
    at = fields.AwareDateTime(required=True)
    action = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    amount = fields.String(allow_none=True)


class CustomerReturnSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    order_name = fields.String(required=True)
    method = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(CustomerLineSchema), required=True)
    fees = fields.Nested(FeesSchema, allow_none=True)
    amounts = fields.Nested(AmountsSchema, allow_none=True)
    keep_item = fields.Boolean(required=True, metadata={"description": "the customer keeps the goods"})
    decline_reason = fields.String(allow_none=True)
    refund_due_by = fields.AwareDateTime(allow_none=True)
    explanation = fields.List(fields.String(), required=True)
    history = fields.List(fields.Nested(CustomerEventSchema), required=True)


class TrackingLinkSchema(Schema):
    token = fields.String(required=True)
    url = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


class CreatedReturnSchema(Schema):
    decision = fields.String(required=True, metadata={"enum": ["approve", "decline", "review"]})
    return_ = fields.Nested(CustomerReturnSchema, required=True, data_key="return")
    tracking = fields.Nested(TrackingLinkSchema, required=True)


class PortalReturnSchema(Schema):
    return_ = fields.Nested(CustomerReturnSchema, required=True, data_key="return")
    tracking = fields.Nested(TrackingLinkSchema, required=True)


class PortalReturnListSchema(Schema):
    items = fields.List(fields.Nested(PortalReturnSchema), required=True)
