"""Alembic environment: always run from kefu's store with a live connection in a transaction."""

from __future__ import annotations

from alembic import context

from simulator.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes one
    raise RuntimeError("kefu migrations run from simulator.store.migrate, not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
