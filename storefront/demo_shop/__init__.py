"""The demo shop: a Storefront-API-compatible GraphQL shop over a catalog shipped in the repo.

`DemoShop` (shop.py) answers GraphQL documents with graphql-core against
`schema.graphql`, a strict subset of Shopify's Storefront API schema. It runs
in-process behind the storefront's client (transport.py) and as its own HTTP
server that behaves like Shopify (web.py, cli.py).
"""
