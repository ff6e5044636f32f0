"""Shop branding values: checked in one place, and the config file's errors name the key, file and line."""

from __future__ import annotations

import pytest

from connector.branding import (
    MIN_CONTRAST,
    NEUTRAL_ACCENT,
    BrandingChoices,
    InvalidBranding,
    check_accent_colour,
    check_url,
    contrast_ratio,
    default_branding,
    readable_shade,
)
from connector.config import ConfigError, load_config_text

SHOP = '[[shops]]\nplatform = "shopify"\naddress = "a.myshopify.com"\n'


def test_contrast_is_computed_as_wcag_does() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # The classic threshold pair: #767676 passes AA on white, #777777 does not.
    assert contrast_ratio("#767676", "#ffffff") >= MIN_CONTRAST > contrast_ratio("#777777", "#ffffff")


def test_the_neutral_default_is_readable_and_named_after_the_shop() -> None:
    branding = default_branding("  Atelier Lune ")
    assert branding.shop_name == "Atelier Lune" and branding.accent_colour == NEUTRAL_ACCENT
    assert branding.logo_url is None and branding.policy_url is None and branding.contact_url is None
    assert contrast_ratio(branding.accent_colour, branding.text_on_accent) >= MIN_CONTRAST


def test_an_accent_too_light_for_white_is_refused_with_a_shade_that_passes() -> None:
    with pytest.raises(InvalidBranding) as caught:
        check_accent_colour("#FFCC00")
    suggestion = readable_shade("#ffcc00")
    assert caught.value.field == "accent_colour"
    assert "1.51:1" in caught.value.reason and suggestion in caught.value.reason
    assert check_accent_colour(suggestion) == suggestion
    assert contrast_ratio(suggestion, "#ffffff") >= MIN_CONTRAST


@pytest.mark.parametrize("value", ["1a4d8f", "#1a4d8", "#1a4d8fff", "#ggg000", "blue", "rgb(0,0,0)", ""])
def test_an_accent_not_written_rrggbb_is_refused(value: str) -> None:
    with pytest.raises(InvalidBranding, match="#rrggbb"):
        check_accent_colour(value)


def test_an_accent_is_kept_in_lower_case() -> None:
    assert BrandingChoices(accent_colour="#1A4D8F").accent_colour == "#1a4d8f"


@pytest.mark.parametrize(
    "value",
    [
        "http://shop.example/returns",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "https://user:secret@shop.example/",
        "https:///no-host",
        "https://shop.example/a b",
        "//shop.example/logo.png",
        "/static/logo.png",  # a path on this app is for the logo only
        "https://shop.example/" + "a" * 2048,
    ],
)
def test_links_must_be_https(value: str) -> None:
    with pytest.raises(InvalidBranding):
        check_url("policy_url", value)


@pytest.mark.parametrize("value", ["/static/logo.png", "https://cdn.shop.example/logo.svg"])
def test_a_logo_may_be_https_or_a_path_on_this_app(value: str) -> None:
    assert BrandingChoices(logo_url=value).logo_url == value


@pytest.mark.parametrize("value", ["//evil.example/logo.png", "/static/../secret.key", "/static/./x", "/a\\b", "/é"])
def test_a_logo_path_that_leaves_the_app_is_refused(value: str) -> None:
    with pytest.raises(InvalidBranding):
        BrandingChoices(logo_url=value)


@pytest.mark.parametrize("value", ["", "   ", "x" * 101, "Shop\nName"])
def test_a_shop_name_must_be_printable_and_short(value: str) -> None:
    with pytest.raises(InvalidBranding):
        BrandingChoices(shop_name=value)


def test_branding_is_read_from_the_shops_table_in_the_config() -> None:
    text = SHOP + 'name = "Atelier"\n\n[shops.branding]\naccent_colour = "#1A4D8F"\nlogo_url = "/static/l.png"\n'
    config = load_config_text(text, "shop.toml", environ={})
    assert config.shops[0].branding == BrandingChoices(
        shop_name="Atelier", accent_colour="#1a4d8f", logo_url="/static/l.png"
    )


def test_no_branding_in_the_config_sets_nothing() -> None:
    assert load_config_text(SHOP, "shop.toml", environ={}).shops[0].branding == BrandingChoices()


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        (SHOP + '\n[shops.branding]\naccent_colour = "#ffcc00"\n', "shops[0].branding.accent_colour", 6,
         "below the 4.5:1"),
        (SHOP + SHOP.replace("a.my", "b.my") + '[shops.branding]\n\ncontact_url = "http://b.example"\n',
         "shops[1].branding.contact_url", 9, "https://"),
        (SHOP + 'branding = { policy_url = "javascript:alert(1)" }\n', "shops[0].branding.policy_url", 4, "https://"),
        (SHOP + '[shops.branding]\nlogo_url = "//evil.example/x.png"\n', "shops[0].branding.logo_url", 5, "path"),
        (SHOP + '[shops.branding]\ncolour = "#000000"\n', "shops[0].branding.colour", 5, "Unknown field"),
    ],
)
def test_a_bad_branding_value_names_key_file_and_line(text: str, key: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "shops.toml", environ={})
    [problem] = caught.value.problems
    assert (problem.key, problem.file, problem.line) == (key, "shops.toml", line)
    assert message in problem.message
