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
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport import Transport

from storefront.shopify.documents import Operation, load_operations
from storefront.shopify.errors import StorefrontError, Unavailable
from storefront.shopify.shapes import Shape, mismatch, reply_shape

log = logging.getLogger(__name__)


class StorefrontClient:
    """Sends the project's named operations through a gql transport.

    `buyer_ip` is called on every request to learn the shopper's IP (sent with
    the private token); `context` holds the `@inContext` defaults (country,
    language) added to every operation that declares them.
    """

    def __init__(
        self,
        transport: Transport,
        *,
        operations: Mapping[str, Operation] | None = None,
        context: Mapping[str, str] | None = None,
        buyer_ip: Callable[[], str | None] | None = None,
        retry_delay: tuple[float, float] = (0.05, 0.3),
        sleep: Callable[[float], None] = time.sleep,
        observe: Callable[[str, float, str], None] | None = None,
    ) -> None:
        self.transport = transport
        self.operations = dict(operations if operations is not None else load_operations())
        self.context = dict(context or {})
        self._buyer_ip = buyer_ip or (lambda: None)
        self._retry_delay = retry_delay
        self._sleep = sleep
        # Told of every request sent: (operation, seconds, "ok" or the error kind).
        self._observe = observe or (lambda name, seconds, outcome: None)
        self._gql = Client(transport=transport)
        self._shapes: dict[str, Shape] = {}  # by operation, made on first use

    def execute(self, name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run operation `name` and return its `data`; raise a StorefrontError on failure."""
        operation = self.operations[name]
        request = GraphQLRequest(
            operation.document,
            variable_values=self._variables(operation, variables),
            operation_name=name,
        )
        attempts = 1 if operation.is_mutation else 2
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            try:
                data = self._gql.execute(request, buyer_ip=self._buyer_ip())
                self._check_shape(operation, data)
                self._observe(name, time.perf_counter() - started, "ok")
                return data
            except StorefrontError as error:
                self._observe(name, time.perf_counter() - started, error.kind)
                error.operation = name
                if not error.retryable or attempt == attempts:
                    raise
                log.info("retrying Storefront query after %s", error)
                self._sleep(random.uniform(*self._retry_delay))
        raise AssertionError("unreachable")

    def _check_shape(self, operation: Operation, data: dict[str, Any]) -> None:
        shape = self._shapes.get(operation.name)
        if shape is None:
            shape = self._shapes[operation.name] = reply_shape(operation)
        problem = mismatch(shape, data, "data")
        if problem is not None:
            raise Unavailable(f"the reply does not have the shape asked for: {problem}")

    def _variables(self, operation: Operation, given: Mapping[str, Any] | None) -> dict[str, Any]:
        variables = {
            key: value for key, value in self.context.items() if key in operation.variables
        }
        variables.update(given or {})
        return variables
