"""Echo registries: in-memory (bounded) and Redis (shared between web and worker processes)."""

from __future__ import annotations

import fakeredis

from platforms.woocommerce.echo import InMemoryEchoRegistry, RedisEchoRegistry


def test_in_memory_remembers_latest_state_only() -> None:
    echoes = InMemoryEchoRegistry(capacity=2)
    echoes.remember("1", "2026-03-01T10:00:00")
    assert echoes.matches("1", "2026-03-01T10:00:00")
    echoes.remember("1", "2026-03-01T10:05:00")
    assert not echoes.matches("1", "2026-03-01T10:00:00")
    assert not echoes.matches("1", "")
    echoes.remember("2", "a")
    echoes.remember("3", "b")  # capacity 2: order 1 is forgotten
    assert not echoes.matches("1", "2026-03-01T10:05:00")
    assert echoes.matches("3", "b")


def test_redis_registry_is_shared_and_namespaced() -> None:
    server = fakeredis.FakeServer()
    web = RedisEchoRegistry(fakeredis.FakeRedis(server=server), "https://a.example")
    worker = RedisEchoRegistry(fakeredis.FakeRedis(server=server), "https://a.example")
    other_shop = RedisEchoRegistry(fakeredis.FakeRedis(server=server), "https://b.example")
    worker.remember("727", "2026-03-01T10:00:00")
    assert web.matches("727", "2026-03-01T10:00:00")
    assert not web.matches("727", "2026-03-01T10:00:01")
    assert not other_shop.matches("727", "2026-03-01T10:00:00")


def test_redis_registry_expires() -> None:
    redis = fakeredis.FakeRedis()
    echoes = RedisEchoRegistry(redis, "s", ttl_seconds=60)
    echoes.remember("1", "x")
    assert 0 < redis.ttl("woo:echo:s:1") <= 60
