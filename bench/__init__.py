"""The performance benchmark (issue 5): `make bench`, or `python -m bench --help`.

It starts the demo shop over HTTP with a Shopify-like round trip (100 ms) and
the storefront under the shipped `gunicorn.conf.py`, loads it with wrk, and
compares every scenario with a bare Flask app served the same way. The demo
shop counts the GraphQL requests it receives (`GET /_stats`), which gives the
Storefront requests each page view cost. Results land in `bench-results/`.
"""
