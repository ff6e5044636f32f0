"""Checks on a create-return body, as strict as the v3 Returns description, so adapter mistakes show here.

Unknown top-level fields are refused (``unknown_field`` is one of the description's error codes) rather
than ignored: a field the adapter invents would otherwise pass the sandbox and fail at Sendcloud.
``CREATE_FIELDS`` is the ``CreateReturn`` request body's property list; a test compares it with the
committed description.
"""

from __future__ import annotations

from typing import Any, Final

CREATE_FIELDS: Final = frozenset({
    "from_address", "to_address", "ship_with", "dimensions", "weight", "collo_count", "parcel_items",
    "send_tracking_emails", "brand_id", "total_insured_value", "order_number", "total_order_value",
    "external_reference", "customs_invoice_nr", "delivery_option", "customs_information", "apply_rules",
})  # fmt: skip
DELIVERY_OPTIONS: Final = frozenset({"drop_off_point", "drop_off_labelless", "pickup", "in_store"})
WEIGHT_UNITS: Final = frozenset({"kg", "g", "lbs", "oz"})
_ADDRESS_REQUIRED: Final = ("name", "address_line_1", "postal_code", "city", "country_code")

Problem = tuple[str, str, str]  # field, code, message


def check_create(body: Any) -> list[Problem]:
    if not isinstance(body, dict):
        return [("non_field_errors", "invalid", "Expected a JSON object.")]
    problems: list[Problem] = [(key, "unknown_field", "Unknown field.") for key in sorted(set(body) - CREATE_FIELDS)]
    for key in ("from_address", "to_address"):
        problems += _address(key, body.get(key))
    problems += _weight(body.get("weight"))
    problems += _ship_with(body.get("ship_with"))
    option = body.get("delivery_option")
    if option is not None and option not in DELIVERY_OPTIONS:
        problems.append(("delivery_option", "invalid_choice", f'"{option}" is not a valid choice.'))
    reference = body.get("external_reference")
    if reference is not None and (not isinstance(reference, str) or not reference):
        problems.append(("external_reference", "invalid", "Not a valid string."))
    items = body.get("parcel_items", [])
    if not isinstance(items, list):
        problems.append(("parcel_items", "not_a_list", "Expected a list of items."))
    else:
        for index, item in enumerate(items):
            quantity = item.get("quantity") if isinstance(item, dict) else None
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                problems.append((f"parcel_items.{index}.quantity", "min_value", "Ensure this value is at least 1."))
    return problems


def _address(key: str, address: Any) -> list[Problem]:
    if address is None:
        return [(key, "required", "This field is required.")]
    if not isinstance(address, dict):
        return [(key, "invalid", "Expected an object.")]
    return [(f"{key}.{name}", "required", "This field is required.")
            for name in _ADDRESS_REQUIRED if not isinstance(address.get(name), str) or not address[name]]  # fmt: skip


def _weight(weight: Any) -> list[Problem]:
    if weight is None:
        return [("weight", "required", "This field is required.")]
    if not isinstance(weight, dict):
        return [("weight", "invalid", "Expected an object.")]
    value = weight.get("value")
    problems: list[Problem] = []
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        problems.append(("weight.value", "min_value", "Ensure this value is greater than 0."))
    if weight.get("unit") not in WEIGHT_UNITS:
        problems.append(("weight.unit", "invalid_choice", "Not a valid unit."))
    return problems


def _ship_with(ship_with: Any) -> list[Problem]:
    if ship_with is None:
        return [("ship_with", "required", "This field is required.")]
    if not isinstance(ship_with, dict):
        return [("ship_with", "invalid", "Expected an object.")]
    kind = ship_with.get("type", "shipping_product_code")
    if kind not in ("shipping_option_code", "shipping_product_code"):
        return [("ship_with.type", "invalid_choice", f'"{kind}" is not a valid choice.')]
    code = ship_with.get(kind)
    if not isinstance(code, str) or ":" not in code:
        return [(f"ship_with.{kind}", "required", "This field is required.")]
    contract = ship_with.get("contract")
    if contract is not None and (isinstance(contract, bool) or not isinstance(contract, int)):
        return [("ship_with.contract", "invalid", "A valid integer is required.")]
    return []
