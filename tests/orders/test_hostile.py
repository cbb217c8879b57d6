"""Any signed body on an order topic: stored (applied or failed) or a 400, never a 500."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.orders import TOPICS
from tests.orders.conftest import delivery_rows
from tests.orders.payloads import deliver, order

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
# Real field names with any values, so the reading code meets wrong types.
mangled_orders = st.builds(
    lambda changes: {**order(), **changes},
    st.dictionaries(st.sampled_from(sorted(order())), json_values, max_size=4),
)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(raw=st.binary(max_size=300) | mangled_orders.map(lambda d: json.dumps(d).encode())
       | json_values.map(lambda v: json.dumps(v).encode()),
       topic=st.sampled_from(TOPICS))
def test_any_signed_order_body(client, ledger, raw, topic):
    before = len(delivery_rows(ledger))
    reply = deliver(client, topic, raw)
    assert reply.status_code in (200, 400), reply.get_data(as_text=True)
    if reply.status_code == 400:
        assert len(delivery_rows(ledger)) == before
    elif not reply.get_json().get("duplicate"):
        assert delivery_rows(ledger)[-1]["status"] in ("done", "failed")
