"""Alembic's entry point, run by storefront.orders.db.migrate on a connection it opened."""

from alembic import context

from storefront.orders.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
