"""Fixtures any test may ask for by name."""

from tests.pg import own_server  # noqa: F401  (a PostgreSQL server of the test's own)
