"""The customer's earlier returns, as the portal and the return service both count them."""

from __future__ import annotations

from sqlalchemy import Engine

from connector.domain import Platform
from connector.services.customer_history import customer_history
from connector.store.crypto import CredentialCipher
from connector.store.uow import UnitOfWork
from tests.factories import AGENT, NOW, order, order_line, return_request


def test_history_counts_the_customers_returns_at_the_shop_except_canceled_ones(
    engine: Engine, cipher: CredentialCipher
) -> None:
    source = order(order_line(ordered=5, fulfilled=5))
    with UnitOfWork(engine, cipher) as uow:
        uow.shops.add(Platform.SHOPIFY, "a.myshopify.com", shop_id="shop-a")
        uow.shops.add(Platform.SHOPIFY, "b.myshopify.com", shop_id="shop-b")
        repo = uow.returns("shop-a")
        repo.add(return_request(source, return_id="R1"))
        canceled = return_request(source, return_id="R2")
        canceled.cancel(AGENT, NOW, "changed my mind")
        repo.add(canceled)
        uow.returns("shop-b").add(return_request(order(order_line(ordered=5, fulfilled=5), shop_id="shop-b"),
                                                 return_id="R3"))
        uow.commit()
    with UnitOfWork(engine, cipher) as uow:
        kept = uow.returns("shop-a").get("R1")
        assert kept is not None
        assert customer_history(uow, "shop-a", source.email.upper()) == (kept.created_at,)
        assert customer_history(uow, "shop-a", "someone-else@example.com") == ()
