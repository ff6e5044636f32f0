"""Shapes shared by the customer and agent sides: money, errors, history entries."""

from __future__ import annotations

from marshmallow import Schema, fields


class MoneySchema(Schema):
    """An amount as a decimal string (never a float) in an ISO 4217 currency."""

    amount = fields.String(required=True, metadata={"example": "24.90"})
    currency = fields.String(required=True, metadata={"example": "EUR"})


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    current_status = fields.String(metadata={"description": "on 409: the state the return is in now"})
    problems = fields.Dict(data_key="fields", metadata={"description": "per field, the problems found"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class FeesSchema(Schema):
    return_shipping = fields.Nested(MoneySchema, required=True)
    restocking = fields.Nested(MoneySchema, required=True)


class LineAmountsSchema(Schema):
    line_id = fields.String(required=True)
    paid = fields.Nested(MoneySchema, required=True)
    tax = fields.Nested(MoneySchema, required=True)
    restocking_fee = fields.Nested(MoneySchema, required=True)
    bonus = fields.Nested(MoneySchema, required=True, metadata={"description": "credit bonus given on this line"})


class AmountsSchema(Schema):
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(LineAmountsSchema), required=True)
    return_shipping_fee = fields.Nested(MoneySchema, required=True)
    shipping_refund = fields.Nested(MoneySchema, required=True)
    refund = fields.Nested(MoneySchema, required=True)
    store_credit = fields.Nested(
        MoneySchema, required=True, metadata={"description": "all the store credit, store_credit_bonus included"}
    )
    store_credit_bonus = fields.Nested(
        MoneySchema,
        required=True,
        metadata={
            "description": "the policy's bonus within store_credit: no refund of what was paid, so on Shopify "
            "it is a storeCreditAccountCredit of its own beside the return's refund (on WooCommerce the credit "
            "is one coupon, bonus included)"
        },
    )
    exchange_value = fields.Nested(MoneySchema, required=True)
    bonus = fields.Nested(
        MoneySchema, required=True, metadata={"description": "every line's bonus (credit and exchange)"}
    )
    balance_due = fields.Nested(
        MoneySchema, metadata={"description": "what the customer pays on top for dearer replacements"}
    )


class ResolutionSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": ["refund", "store_credit", "exchange"]})
    exchange_variant_id = fields.String(allow_none=True)
    exchange_product_id = fields.String(allow_none=True)
    exchange_price = fields.Nested(
        MoneySchema, allow_none=True,
        metadata={"description": "the replacement's unit price, read from the shop in the order's currency"},
    )
    difference_as_credit = fields.Boolean(
        metadata={"description": "a cheaper replacement's difference is paid as store credit, not refunded"}
    )
