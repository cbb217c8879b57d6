"""The Storefront API client: named operations in, plain data out, errors named.

Queries are retried once, after a short random pause, when Shopify was
unavailable or throttled us. Mutations are never sent twice by the client: a
cart mutation that timed out may still have been applied, so the caller
reconciles by reading the cart instead.

Every reply is checked against the shape its document asked for (each field
there, objects where a selection was asked, scalars at the leaves) before
anyone reads it: a proxy answering 200 with other JSON is Shopify unavailable,
and the reshaping code can trust what it reads, so an exception there is a bug
of ours (a 500 with a traceback), never mistaken for an outage.

Waits are bounded. Every call has a deadline: a page view's calls share the
one its request was given (`deadline`), any other call gets `budget` seconds
of its own. Each try may take what is left (the transport caps it with its
own timeouts), a retry is made only if enough is left, and once it is spent
the client fails at once with NotAsked instead of asking. A page view's calls
also pass a `Gate` (waits.py), and inside `waits.cached_only()` nothing is
sent at all.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport import Transport

from storefront.shopify.documents import Operation, load_operations
from storefront.shopify.errors import NotAsked, StorefrontError, Unavailable
from storefront.shopify.shapes import Shape, mismatch, reply_shape
from storefront.shopify.waits import Gate, asking_shopify

log = logging.getLogger(__name__)

# A retry needs at least this long left after its pause to be worth sending.
MIN_TRY_SECONDS = 0.25


class StorefrontClient:
    """Sends the project's named operations through a gql transport.

    `buyer_ip` is called on every request to learn the shopper's IP (sent with
    the private token); `context` holds the `@inContext` defaults (country,
    language) added to every operation that declares them, and `market`, called
    on every request, this page view's market over them (None: the defaults).
    `deadline` is
    called on every request too: the `clock()` time by which this page view
    must be done with Shopify, or None outside a page view, where each call
    gets `budget` seconds of its own (None: no bound but the transport's).
    Page views' calls pass `gate`, when one is given.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        operations: Mapping[str, Operation] | None = None,
        context: Mapping[str, str] | None = None,
        market: Callable[[], Mapping[str, str] | None] | None = None,
        buyer_ip: Callable[[], str | None] | None = None,
        budget: float | None = None,
        deadline: Callable[[], float | None] | None = None,
        gate: Gate | None = None,
        clock: Callable[[], float] = time.monotonic,
        retry_delay: tuple[float, float] = (0.05, 0.3),
        sleep: Callable[[float], None] = time.sleep,
        observe: Callable[[str, float, str], None] | None = None,
    ) -> None:
        self.transport = transport
        self.operations = dict(operations if operations is not None else load_operations())
        self.context = dict(context or {})
        self._market = market or (lambda: None)
        self._buyer_ip = buyer_ip or (lambda: None)
        self.budget = budget
        self._deadline = deadline or (lambda: None)
        self.gate = gate
        self.clock = clock
        self._retry_delay = retry_delay
        self._sleep = sleep
        # Told of every request sent: (operation, seconds, "ok" or the error kind).
        self._observe = observe or (lambda name, seconds, outcome: None)
        self._gql = Client(transport=transport)
        self._shapes: dict[str, Shape] = {}  # by operation, made on first use

    def deadline(self) -> float | None:
        """A deadline `budget` seconds from now (for a page view starting), or None."""
        return None if self.budget is None else self.clock() + self.budget

    def time_left(self) -> float | None:
        """Seconds this page view may still wait on Shopify (0 inside `cached_only()`),
        or None outside a page view: for code that waits on another's call."""
        if not asking_shopify():
            return 0.0
        deadline = self._deadline()
        return None if deadline is None else max(0.0, deadline - self.clock())

    def execute(self, name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run operation `name` and return its `data`; raise a StorefrontError on failure."""
        operation = self.operations[name]
        request = GraphQLRequest(
            operation.document,
            variable_values=self._variables(operation, variables),
            operation_name=name,
        )
        if not asking_shopify():
            raise NotAsked("only cached data was wanted", operation=name)
        deadline = self._deadline()
        gate = self.gate if deadline is not None else None  # page views only
        if deadline is None:
            deadline = self.deadline()
        attempts = 1 if operation.is_mutation else 2
        for attempt in range(1, attempts + 1):
            try:
                return self._try(operation, request, deadline, gate)
            except NotAsked:
                raise
            except StorefrontError as error:
                error.operation = name
                if not error.retryable or attempt == attempts:
                    raise
                pause = random.uniform(*self._retry_delay)
                if deadline is not None and deadline - self.clock() < pause + MIN_TRY_SECONDS:
                    log.info("not retrying Storefront query after %s: its time is spent", error)
                    raise
                log.info("retrying Storefront query after %s", error)
                self._sleep(pause)
        raise AssertionError("unreachable")

    def _try(self, operation: Operation, request: GraphQLRequest, deadline: float | None,
             gate: Gate | None) -> dict[str, Any]:
        """One request to Shopify, within what is left of `deadline`, through `gate`."""
        self._left(deadline, operation.name)
        with gate.place(deadline, operation.name) if gate is not None else nullcontext():
            timeout = self._left(deadline, operation.name)
            started = time.perf_counter()
            try:
                data = self._gql.execute(request, buyer_ip=self._buyer_ip(), timeout=timeout)
                self._check_shape(operation, data)
            except StorefrontError as error:
                self._observe(operation.name, time.perf_counter() - started, error.kind)
                raise
        self._observe(operation.name, time.perf_counter() - started, "ok")
        return data

    def _left(self, deadline: float | None, operation: str) -> float | None:
        """Seconds left before `deadline` (None: unbounded); NotAsked when none are."""
        if deadline is None:
            return None
        left = deadline - self.clock()
        if left <= 0:
            spent = f" ({self.budget:g} s)" if self.budget is not None else ""
            raise NotAsked(f"the time for Shopify{spent} is spent", operation=operation)
        return left

    def _check_shape(self, operation: Operation, data: dict[str, Any]) -> None:
        shape = self._shapes.get(operation.name)
        if shape is None:
            shape = self._shapes[operation.name] = reply_shape(operation)
        problem = mismatch(shape, data, "data")
        if problem is not None:
            raise Unavailable(f"the reply does not have the shape asked for: {problem}")

    def in_context(self, name: str, given: Mapping[str, Any] | None) -> dict[str, Any]:
        """Operation `name`'s variables: `given` over this page view's `@inContext`
        (its market's country and language, else the defaults), for the operations
        that declare them. A caller that sends later (a background refresh) passes
        these, so its request runs in the market it was made for."""
        context = {**self.context, **(self._market() or {})}
        variables = {
            key: value for key, value in context.items()
            if key in self.operations[name].variables
        }
        variables.update(given or {})
        return variables

    def _variables(self, operation: Operation, given: Mapping[str, Any] | None) -> dict[str, Any]:
        return self.in_context(operation.name, given)
