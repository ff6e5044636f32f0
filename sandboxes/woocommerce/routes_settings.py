"""``/wc/v3/settings/<group>[/<id>]`` (read, update) and ``/wc/v3/data/currencies/current``.

Shapes of WooCommerce 10.0.2 (``WC_REST_Setting_Options_Controller``, ``WC_REST_Data_Currencies_Controller``):
each setting is ``{id, label, description, type, default, [options], tip, value, group_id}``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from sandboxes.woocommerce import rest, settings
from sandboxes.woocommerce.errors import ApiError
from sandboxes.woocommerce.routes_orders import site
from sandboxes.woocommerce.serialize import links
from sandboxes.woocommerce.shop import shop
from sandboxes.woocommerce.state import Store

blueprint = Blueprint("wc_settings", __name__, url_prefix="/wp-json/wc/v3")
_GROUPS = frozenset(s.group for s in settings.SETTINGS)


def _setting(group: str, setting_id: str) -> settings.Setting:
    if group not in _GROUPS:
        raise ApiError("rest_setting_setting_group_invalid", "Invalid setting group.", 404)
    found = settings.BY_ID.get(setting_id)
    if found is None or found.group != group:
        raise ApiError("rest_setting_setting_invalid", "Invalid setting.", 404)
    return found


def _json(store: Store, setting: settings.Setting) -> dict[str, Any]:
    data: dict[str, Any] = {"id": setting.id, "label": setting.label, "description": "", "type": setting.type,
                            "default": setting.default}  # fmt: skip
    if setting.options:
        data["options"] = dict(setting.options)
    data.update(tip=setting.tip, value=settings.value(store, setting.id), group_id=setting.group)
    data["_links"] = links(site(), f"settings/{setting.group}/{setting.id}", f"settings/{setting.group}")
    return data


@blueprint.get("/settings/<group>")
def list_group(group: str) -> Response:
    if group not in _GROUPS:
        raise ApiError("rest_setting_setting_group_invalid", "Invalid setting group.", 404)
    store = shop().store
    with store.lock:
        return jsonify([_json(store, s) for s in settings.SETTINGS if s.group == group])


@blueprint.get("/settings/<group>/<setting_id>")
def read_setting(group: str, setting_id: str) -> Response:
    store = shop().store
    with store.lock:
        return jsonify(_json(store, _setting(group, setting_id)))


@blueprint.route("/settings/<group>/<setting_id>", methods=["PUT", "PATCH", "POST"])
def update_setting(group: str, setting_id: str) -> Response:
    store = shop().store
    setting = _setting(group, setting_id)
    raw = rest.body().get("value")
    value = str(raw if raw is not None else "")
    allowed = setting.options or ({"yes": "", "no": ""} if setting.type == "checkbox" else None)
    if allowed is not None and value not in allowed:
        raise ApiError("rest_setting_value_invalid", "An invalid setting value was passed.", 400)
    with store.lock:
        store.settings[setting.id] = value
        return jsonify(_json(store, setting))


@blueprint.get("/data/currencies/current")
def current_currency() -> Response:
    store = shop().store
    with store.lock:
        code = settings.currency(store)
    name, symbol = settings.CURRENCIES.get(code, (code, code))
    data: dict[str, Any] = {"code": code, "name": name, "symbol": symbol}
    data["_links"] = links(site(), f"data/currencies/{code}", "data/currencies")
    return jsonify(data)
