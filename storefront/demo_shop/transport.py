"""The demo shop as a gql transport: the client talks to it in-process.

Replies go through the same classification as Shopify's over HTTP, so the rest
of the storefront cannot tell the two apart.
"""

from __future__ import annotations

import uuid
from typing import Any

from gql.transport import Transport
from graphql import ExecutionResult

from storefront.shopify.errors import Unavailable, error_for_graphql


class DemoShopTransport(Transport):
    def __init__(self, shop) -> None:
        self.shop = shop

    def execute(self, request, *args: Any, buyer_ip: str | None = None, **kwargs: Any):
        result = self.shop.execute(
            request.document,
            variables=request.variable_values,
            operation_name=request.operation_name,
        )
        # The same round trip through plain JSON values that HTTP would make.
        reply = result.formatted
        context = {"status": 200, "request_id": f"demo-{uuid.uuid4()}"}
        if reply.get("errors"):
            raise error_for_graphql(
                reply["errors"], reply.get("data"), operation=request.operation_name, **context
            )
        if not isinstance(reply.get("data"), dict):
            raise Unavailable("reply has no data", operation=request.operation_name, **context)
        return ExecutionResult(data=reply["data"], extensions=reply.get("extensions"))
