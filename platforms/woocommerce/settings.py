"""WooCommerce's table of the config file (``[woocommerce]``): the app name shown when a merchant connects, how
often a store is polled, what makes a product final sale, how long products are cached.

It lives with the platform (``SECTION`` is ``PROVIDER.config_section``), so the core validates the table without
naming WooCommerce. Platform code reads it with ``settings_of(config)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import fields, validate

from connector.config.model import Config
from connector.config.sections import ConfigSection, StrictSchema
from connector.errors import ConfigError
from connector.netguard import check_store_url
from connector.shopaddress import woocommerce_store_url

KEY = "woocommerce"


@dataclass(frozen=True, slots=True)
class WooCommerceSettings:
    app_name: str = "Returns Connector"
    poll_every_seconds: int = 300
    # A product is final sale with one of these tags (name or slug), or with this meta key set to a truthy
    # value (yes/1/true/on); "" reads no meta. The tags are Shopify's FINAL_SALE_TAGS.
    final_sale_tags: tuple[str, ...] = ("final-sale", "final_sale", "finalsale")
    final_sale_meta_key: str = "_final_sale"
    product_cache_seconds: int = 300


class WooCommerceSchema(StrictSchema):
    app_name = fields.String(validate=validate.Length(min=1))
    poll_every_seconds = fields.Integer(strict=True, validate=validate.Range(min=10))
    final_sale_tags = fields.List(
        fields.String(validate=validate.Regexp(r"\S", error="must not be blank")), validate=validate.Length(max=50)
    )
    final_sale_meta_key = fields.String(validate=validate.Length(max=255))  # WordPress's meta_key column
    product_cache_seconds = fields.Integer(strict=True, validate=validate.Range(min=0, max=86400))


def settings_of(config: Config) -> WooCommerceSettings:
    """The ``[woocommerce]`` table of ``config``, its defaults when it has none."""
    return config.section(KEY, WooCommerceSettings)


def _spell_address(raw: str, *, allow_private: bool) -> str:
    """A ``[[shops]]`` store URL, spelled as stored; one pointing inside (``localhost``, ``10.0.0.1``, ``0x7f.1``)
    only with the flag. Spelling only: loading the file asks no DNS server, registering the shop resolves its
    name too (``PROVIDER.admit_address``)."""
    url = woocommerce_store_url(raw)
    if not allow_private:
        try:
            check_store_url(url, allow_private=False, resolver=None)
        except ConfigError as exc:
            raise ConfigError(f"{exc} (allowed only with app.allow_private_store_urls = true)") from exc
    return url


SECTION: ConfigSection[WooCommerceSettings] = ConfigSection(
    key=KEY, schema=WooCommerceSchema, settings=WooCommerceSettings, spell_address=_spell_address,
)
