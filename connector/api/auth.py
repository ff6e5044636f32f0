"""Who is calling: an agent of one shop (Shopify session token or API key) or a customer of one order.

Every credential names exactly one shop. A credential used on another shop's URL gets the same 404 as a
shop or return that does not exist, so it learns nothing about the other shop.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import g, request

from connector.api import tokens
from connector.api.context import container
from connector.api.errors import ApiError
from connector.domain.events import Actor, ActorKind
from connector.providers import registered
from connector.session_token import SessionIdentity, SessionTokenRefused, SessionTokensNotConfigured
from connector.store.apikeys_repo import looks_like_key

log = logging.getLogger("connector.api.auth")
F = TypeVar("F", bound=Callable[..., Any])
_AGENT_HINT = re.compile(r"^[\w.@:+-]{1,100}$")


@dataclass(frozen=True, slots=True)
class Agent:
    shop_id: str
    actor: Actor
    via: str  # "session_token" | "api_key"


@dataclass(frozen=True, slots=True)
class Customer:
    shop_id: str
    order_id: str
    email: str

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.CUSTOMER, self.email)


def not_found() -> ApiError:
    return ApiError(404, "not_found", "no such resource")


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _from_api_key(key: str) -> Agent:
    box = container()
    with box.uow() as uow:
        record = uow.api_keys.verify(key, box.clock())
        uow.commit()
    if record is None:
        raise _unauthorized("the API key is unknown or revoked")
    _require_active(record.shop_id)
    hint = request.headers.get("X-Agent-Id", "").strip()
    agent_id = f"api-key:{record.id}" + (f":{hint}" if hint and _AGENT_HINT.match(hint) else "")
    return Agent(record.shop_id, Actor(ActorKind.AGENT, agent_id), "api_key")


def _from_session_token(token: str) -> Agent:
    platform, identity = _read_session_token(token)
    with container().uow() as uow:
        shop = uow.shops.find(platform, identity.shop_address)
    if shop is None:
        raise _unauthorized("the session token's shop is not installed here")
    _require_active(shop.id)
    return Agent(shop.id, Actor(ActorKind.AGENT, f"{platform}-user:{identity.user_id}"), "session_token")


def _read_session_token(token: str) -> tuple[str, SessionIdentity]:
    """The platform key and identity from the first platform that reads the token. Why a refusal outranks "not
    configured": a token some platform could check and found bad is the answer the caller can act on."""
    config = container().config
    unconfigured = "no platform's session tokens are configured on this server"
    refused = False
    for provider in registered():
        if provider.read_session_token is None:
            continue
        try:
            return provider.key, provider.read_session_token(config, token)
        except SessionTokenRefused:
            refused = True
        except SessionTokensNotConfigured as exc:
            unconfigured = str(exc)
    raise _unauthorized("the session token is invalid or expired" if refused else unconfigured)


def _require_active(shop_id: str) -> None:
    """An uninstalled shop is kept (inactive, its token dropped) until shop/redact: no credential, neither its
    staff's session tokens (still validly signed by Shopify for a minute) nor its API keys, reaches the
    returns it left behind."""
    with container().uow() as uow:
        shop = uow.shops.find_by_id(shop_id)
    if shop is None or not shop.active:
        raise _unauthorized("this shop is not installed here")


def authenticate_agent() -> Agent:
    key = request.headers.get("X-API-Key", "").strip()
    bearer = _bearer()
    if not key and looks_like_key(bearer):
        key = bearer
    if key:
        return _from_api_key(key)
    if bearer:
        return _from_session_token(bearer)
    raise _unauthorized("send a Shopify session token or an API key (Authorization: Bearer ... or X-API-Key)")


def agent_required(view: F) -> F:
    """The view's ``shop_id`` must be the authenticated agent's shop; ``g.agent`` is set for the view."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        agent = authenticate_agent()
        if agent.shop_id != kwargs.get("shop_id"):
            raise not_found()
        g.agent = agent
        g.idempotency_scope = (agent.shop_id, "agent")
        return view(*args, **kwargs)

    return cast(F, wrapper)


def customer_required(view: F) -> F:
    """A portal token for this shop (``shop_id`` in the URL); ``g.customer`` is set for the view."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _bearer()
        if not token:
            raise _unauthorized("find your order first and send its token as Authorization: Bearer ...")
        claims = tokens.read(tokens.TokenKind.CUSTOMER, token)
        if claims is None or not claims.get("s") or not claims.get("o"):
            raise _unauthorized("the portal token is invalid or expired: find your order again")
        if claims["s"] != kwargs.get("shop_id"):
            raise not_found()
        customer = Customer(claims["s"], claims["o"], claims.get("e", ""))
        g.customer = customer
        g.idempotency_scope = (customer.shop_id, f"portal:{customer.order_id}")
        return view(*args, **kwargs)

    return cast(F, wrapper)


def current_agent() -> Agent:
    agent: Agent = g.agent
    return agent


def current_customer() -> Customer:
    customer: Customer = g.customer
    return customer
