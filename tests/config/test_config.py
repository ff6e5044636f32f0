from __future__ import annotations

from pathlib import Path

import pytest

from connector.config import ConfigError, load_config, load_config_text
from connector.config.model import Config
from connector.config.sections import installed_sections
from platforms.shopify.settings import settings_of as shopify_settings

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_is_valid_and_documents_every_key() -> None:
    config = load_config(ROOT / "config.example.toml", environ={})
    assert shopify_settings(config).api_version >= "2026-04"
    assert [s.platform for s in config.shops] == ["shopify", "woocommerce"]
    text = (ROOT / "config.example.toml").read_text()
    tables: dict[str, object] = {name: getattr(Config(), name)
                                 for name in ("app", "database", "redis", "queue", "webhooks", "photos")}
    platforms = {key: section.settings() for key, section in installed_sections().items()}
    assert set(platforms) >= {"shopify", "woocommerce"}
    for section, settings in {**tables, **platforms}.items():
        assert f"\n[{section}]\n" in text, f"[{section}] is not in config.example.toml"
        for key in settings.__dataclass_fields__:  # type: ignore[attr-defined]
            assert f"\n{key} = " in text, f"{section}.{key} is not documented in config.example.toml"


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ("[app]\nenvironment = \"production\"\ncolour = 1\n", "app.colour", 3, "Unknown field"),
        ("[queue]\nname = \"q\"\n\nmax_attempts = \"eight\"\n", "queue.max_attempts", 4, "Not a valid integer"),
        ("[shopify]\napi_version = \"2024-01\"\n", "shopify.api_version", 2, "2026-04 or later"),
        ("[[shops]]\nplatform = \"shopify\"\naddress = \"a.myshopify.com\"\n[[shops]]\nplatform = \"shopify\"\n"
         "address = \"x\"\ncurrency = \"eur\"\n", "shops[1].currency", 7, "ISO 4217"),
        ("[[shops]]\nplatform = \"shopify\"\naddress = \"not-a-shop.example.com\"\n",
         "shops[0].address", 3, "myshopify"),
        ("[[shops]]\nplatform = \"magento\"\naddress = \"x\"\n", "shops[0].platform", 2, "Must be one of"),
        ("[database]\nurl = 5\n", "database.url", 2, "Not a valid string"),
        ("[nope]\n", "nope", 1, "Unknown field"),
        ("[photos]\n\nmax_bytes = 100\n", "photos.max_bytes", 3, "greater than or equal to 10240"),
    ],
)
def test_errors_name_key_file_and_line(text: str, key: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "shop.toml", environ={})
    problem = next(p for p in caught.value.problems if p.key == key)
    assert problem.line == line
    assert problem.file == "shop.toml"
    assert message in problem.message
    assert str(problem).startswith(f"shop.toml:{line}: {key}: ")


def test_toml_syntax_error_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text("[app]\nenvironment = \n", "bad.toml", environ={})
    assert caught.value.problems[0].line == 2


def test_environment_overrides_urls_and_secrets_never_come_from_the_file(tmp_path: Path) -> None:
    config = load_config_text("[database]\nurl = \"sqlite:///x.db\"\n", environ={"DATABASE_URL": "postgresql://db/x",
                                                                            "REDIS_URL": "redis://r:6379/0"})
    assert config.database.url == "postgresql://db/x"
    assert config.redis.url == "redis://r:6379/0"
    with pytest.raises(ConfigError):
        load_config_text("[shopify]\napi_secret = \"shhh\"\n", environ={})
    shop = load_config(ROOT / "config.example.toml", environ={}).shops[0]
    assert shop.credentials({"EXAMPLE_SHOP_ACCESS_TOKEN": "t"}) == {"access_token": "t"}
    assert shop.missing_env({}) == ["EXAMPLE_SHOP_ACCESS_TOKEN"]


def test_an_action_is_never_handed_on_while_its_worker_may_still_run() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text("[queue]\njob_timeout_seconds = 180\nstuck_after_seconds = 60\n", "q.toml", environ={})
    problem = caught.value.problems[0]
    assert problem.key == "queue.stuck_after_seconds" and "210" in problem.message
    assert load_config_text("[queue]\njob_timeout_seconds = 60\nstuck_after_seconds = 120\n",
                            environ={}).queue.stuck_after_seconds == 120
