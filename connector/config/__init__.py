"""Configuration: a TOML file validated at start; secrets only ever come from the environment."""

from connector.config.loader import ConfigError, load_config, load_config_text
from connector.config.model import Config, ShopDeclaration

__all__ = ["Config", "ConfigError", "ShopDeclaration", "load_config", "load_config_text"]
