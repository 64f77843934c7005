"""Alembic runs inside the Store's own connection (see Store._upgrade); no URL here."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
