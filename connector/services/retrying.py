"""Run a use case again when the return changed under it, instead of answering 409 to a person.

An agent's step loads the return, changes it and saves it with a compare-and-set. The worker also saves
returns (recording an action's effect, e.g. the note that an approval was sent to the shop) one to three
seconds after most steps, so an agent who resolves right after a return was approved lost the race: on a real
WooCommerce store two resolves in five came back ``409 concurrent_update`` and had to be sent again. A step
is a pure function of the return's state (guarded by its lifecycle), so it is safe to run it again on the
fresh state: a second resolve of a return someone else already resolved is still refused by the lifecycle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from connector.store.errors import ConcurrentUpdate

P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 3
"""A worker saves a return a few times at most around one step; more conflicts mean people disagree."""


def retried_on_concurrent_update(attempts: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A decorator running its step again (up to ``attempts`` in all) when its save found the return changed
    meanwhile; the last attempt's ConcurrentUpdate is raised."""

    def decorate(step: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(step)
        def again(*args: P.args, **kwargs: P.kwargs) -> R:
            for _ in range(attempts - 1):
                try:
                    return step(*args, **kwargs)
                except ConcurrentUpdate:
                    continue
            return step(*args, **kwargs)

        return again

    return decorate


on_concurrent_update = retried_on_concurrent_update(ATTEMPTS)
"""An agent's step, again on the fresh return when the worker saved it meanwhile."""
