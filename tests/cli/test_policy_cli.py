from __future__ import annotations

from pathlib import Path

import pytest

from connector.bootstrap import Container
from connector.cli.main import main
from connector.config.loader import load_config
from connector.domain import Platform, ReturnMethod
from connector.domain.reasons import ReasonCode
from connector.domain.resolutions import Resolution
from connector.policy import Decision, Policy
from connector.services.policies import set_policy
from connector.services.returns import LineInput, ReturnService
from connector.store.crypto import CredentialCipher
from connector.store.migrate import upgrade
from tests.factories import CUSTOMER, NOW, order, order_line
from tests.fakes import FakeAdapter, FakeShop

ROOT = Path(__file__).resolve().parents[2]


def test_check_names_key_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text('name = "x"\n\n[windows]\ndays = "thirty"\n')
    assert main(["policy", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4: windows.days" in err
    assert main(["policy", "check", str(ROOT / "policies" / "default.toml")]) == 0


def test_set_and_simulate_over_stored_returns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[app]\ndata_dir = "{tmp_path}"\n[database]\nurl = "sqlite:///{tmp_path}/c.sqlite3"\n')
    source = order(order_line("L1", ordered=3, fulfilled=3))
    shop = FakeShop(orders={source.id: source})
    container = Container(load_config(config_file), _cipher=CredentialCipher.from_env(
        {}, dev_key_file=tmp_path / "secret.key"), clock=lambda: NOW,
        adapter_factory=lambda _c, _s, _creds: FakeAdapter(shop))
    upgrade(container.engine)
    with container.uow() as uow:
        uow.shops.add(Platform.WOOCOMMERCE, "https://shop.example", shop_id="shop-a", credentials={"k": "v"})
        set_policy(uow, "shop-a", Policy(name="lenient", default_action=Decision.APPROVE))
        uow.commit()
    service = ReturnService(container)
    for _ in range(2):
        service.open_return("shop-a", "O1", [LineInput("L1", 1, ReasonCode.UNWANTED, Resolution.refund())],
                            ReturnMethod.PREPAID_LABEL, CUSTOMER)
    strict = tmp_path / "strict.toml"
    strict.write_text('name = "strict"\ndefault_action = "decline"\n')
    assert main(["--config", str(config_file), "policy", "simulate", "--shop", "shop-a", "--policy", str(strict)]) == 0
    out = capsys.readouterr().out
    assert "2 cases, 2 would change" in out
    assert "approve: 2 -> 0" in out and "decline: 0 -> 2" in out
    assert main(["--config", str(config_file), "policy", "set", "--shop", "https://shop.example", str(strict)]) == 0
    assert "version 2" in capsys.readouterr().out
