"""The store settings (WordPress options) the connector reads, with the shapes of ``/wc/v3/settings``.

A real store keeps them in ``wp_options``; the connector reads the currency when a shop is connected and the
tax settings before it issues store credit, because a ``fixed_cart`` coupon meets tax differently by them
(see ``coupon_apply``). Facts from WooCommerce 10.0.2: ``woocommerce_calc_taxes`` lives in group
``general``, ``woocommerce_prices_include_tax`` in group ``tax``; values are ``"yes"``/``"no"`` strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from sandboxes.woocommerce.state import Store


@dataclass(frozen=True, slots=True)
class Setting:
    id: str
    group: str
    label: str
    type: str  # select | radio | checkbox | number | text
    default: str
    options: dict[str, str] = field(default_factory=dict)
    tip: str = ""


_YES_NO: Final = {"yes": "Yes", "no": "No"}
CURRENCIES: Final = {
    "EUR": ("Euro", "&euro;"), "USD": ("United States (US) dollar", "&#36;"),
    "GBP": ("Pound sterling", "&pound;"), "JPY": ("Japanese yen", "&yen;"), "CHF": ("Swiss franc", "CHF"),
    "CAD": ("Canadian dollar", "&#36;"), "SEK": ("Swedish krona", "&#107;&#114;"),
}  # fmt: skip
SETTINGS: Final = (
    Setting("woocommerce_currency", "general", "Currency", "select", "USD",
            {code: f"{name} ({code})" for code, (name, _) in CURRENCIES.items()},
            "This controls what currency prices are listed at in the catalog and which currency gateways will "
            "take payments in."),
    Setting("woocommerce_price_num_decimals", "general", "Number of decimals", "number", "2"),
    Setting("woocommerce_calc_taxes", "general", "Enable tax rates and calculations", "checkbox", "no"),
    Setting("woocommerce_enable_coupons", "general", "Enable the use of coupon codes", "checkbox", "yes"),
    Setting("woocommerce_calc_discounts_sequentially", "general", "Calculate coupon discounts sequentially",
            "checkbox", "no"),
    Setting("woocommerce_prices_include_tax", "tax", "Prices entered with tax", "radio", "no",
            {"yes": "Yes, I will enter prices inclusive of tax", "no": "No, I will enter prices exclusive of tax"},
            "This option is important as it will affect how you input prices. Changing it will not update "
            "existing products."),
    Setting("woocommerce_tax_based_on", "tax", "Calculate tax based on", "select", "shipping",
            {"shipping": "Customer shipping address", "billing": "Customer billing address",
             "base": "Shop base address"}),
    Setting("woocommerce_tax_round_at_subtotal", "tax", "Rounding", "checkbox", "no"),
)  # fmt: skip
BY_ID: Final = {s.id: s for s in SETTINGS}


def configure(store: Store, *, currency: str, calc_taxes: bool, prices_include_tax: bool) -> None:
    """The options a sandbox shop starts with (``SandboxOptions``); the REST API can change them later."""
    store.settings.update({
        "woocommerce_currency": currency.upper(), "woocommerce_calc_taxes": _yes(calc_taxes),
        "woocommerce_prices_include_tax": _yes(prices_include_tax),
    })  # fmt: skip


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def value(store: Store, setting_id: str) -> str:
    """``get_option``: the stored value or the setting's default."""
    return store.settings.get(setting_id, BY_ID[setting_id].default)


def currency(store: Store) -> str:
    return value(store, "woocommerce_currency")


def tax_enabled(store: Store) -> bool:
    """``wc_tax_enabled()``."""
    return value(store, "woocommerce_calc_taxes") == "yes"


def prices_include_tax(store: Store) -> bool:
    """``wc_prices_include_tax()``: only when taxes are on at all."""
    return tax_enabled(store) and value(store, "woocommerce_prices_include_tax") == "yes"
