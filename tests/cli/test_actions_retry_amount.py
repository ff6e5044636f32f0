"""``actions retry <id> --amount ... --reason ...``: the CLI's way to pay a refused refund with another amount.

A plain retry sends the same key and amount (and fails the same way); with ``--amount`` a new action pays
the agent's amount, and the replaced action is never retried afterwards.
"""

from __future__ import annotations

import pytest

from connector.bootstrap import Container
from connector.cli import jobscmd
from connector.cli.main import main
from connector.domain import Condition, Disposition
from connector.services.returns import ReturnService
from connector.store.actions_repo import ActionState
from tests.factories import AGENT, money
from tests.fakes import FakeShop
from tests.services.test_returns_flow import _open, _run_all, container, shop  # noqa: F401  (fixtures)


def test_retry_with_an_amount_pays_it_once_and_the_old_action_is_not_retried(
    container: Container, shop: FakeShop, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    monkeypatch.setattr(jobscmd, "container_from", lambda _args: container)
    service = ReturnService(container)
    return_id = _open(container, quantity=1)
    service.receive("shop-a", return_id, AGENT, {f"{return_id}-1": 1})
    service.inspect("shop-a", return_id, AGENT, f"{return_id}-1", Condition.NEW, Disposition.DISPOSE)
    failed = service.resolve("shop-a", return_id, AGENT).action_ids[0]
    shop.fail_next = ["refuse"]
    assert _run_all(container, (failed,)) == [ActionState.FAILED]

    assert main(["actions", "retry", failed, "--amount", "4.00"]) == 1  # no reason
    assert main(["actions", "retry", failed, "--amount", "4.00", "--reason", "less left", "--agent", "ops"]) == 0
    assert f"ret:{return_id}:refund:r2" in capsys.readouterr().out
    with container.uow() as uow:
        actions = uow.actions("shop-a").for_return(return_id)
        request = uow.returns("shop-a").get(return_id)
    new = next(a for a in actions if a.idempotency_key.endswith(":r2"))
    assert request is not None and request.events[-1].actor.id == "ops"
    assert _run_all(container, (new.id,)) == [ActionState.SUCCEEDED]

    assert main(["actions", "retry", failed]) == 1  # replaced: the refused amount is never sent again
    assert "paid with another amount" in capsys.readouterr().err
    assert main(["actions", "retry", failed, "--amount", "4.00", "--reason", "again"]) == 1
    assert [e.amount for e in shop.refunds.values()] == [money("4.00")]
