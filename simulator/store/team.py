"""Team mode on PostgreSQL: each person's login role and the group role that gives it rights.

What the database enforces (grants, row-level security, the trusted functions)
is set up by the ``0002`` migration; see its docstring. This module only
manages login roles, as the admin (who needs CREATEROLE):

- a person's login role is a member of exactly one of :data:`GROUPS`,
  matching their kefu role; an admin's login also gets CREATEROLE so they can
  add people in turn;
- a password, if given, is sent as a SCRAM verifier computed by libpq, never
  in clear text, so it cannot end up in the server log;
- role names are checked against :data:`ROLE_NAME` and quoted by the
  dialect: DDL cannot take bound parameters, so nothing else is spliced in.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store.base import Role, StoreError

GROUPS: dict[str, str] = {
    "trainee": "kefu_trainee",
    "supervisor": "kefu_supervisor",
    "admin": "kefu_admin",
}
ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,62}\Z")
RESERVED = ("pg_", "kefu_")


def check_role_name(name: str) -> str:
    """``name`` if it can be a person's login role; StoreError otherwise."""
    if not ROLE_NAME.match(name) or name.lower().startswith(RESERVED):
        raise StoreError(
            f"kefu: {name!r} cannot be a database login: use 1-63 letters, digits, _ . - "
            "(starting with a letter or _), not starting with pg_ or kefu_"
        )
    return name


def quote(conn: Connection, name: str) -> str:
    """A checked role name quoted as an identifier by the dialect."""
    return conn.dialect.identifier_preparer.quote_identifier(check_role_name(name))


def role_exists(conn: Connection, name: str) -> bool:
    """Whether a role ``name`` exists on the server (roles are server-wide)."""
    query = sa.text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :name")
    return conn.execute(query, {"name": name}).first() is not None


def create_login_role(conn: Connection, name: str, role: Role, password: str | None) -> None:
    """Create ``name``'s login role (or adopt an existing one) and put it in its group."""
    quoted = quote(conn, name)
    if not role_exists(conn, name):
        conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
    if password is not None:
        set_password(conn, name, password)
    sync_group(conn, name, role)


def set_password(conn: Connection, name: str, password: str) -> None:
    """Set ``name``'s password as a SCRAM verifier (libpq's PQencryptPasswordConn)."""
    if not password:
        raise StoreError("kefu: an empty password is not allowed")
    from psycopg import sql

    driver = conn.connection.driver_connection
    assert driver is not None
    verifier = driver.pgconn.encrypt_password(password.encode(), name.encode(), None)
    literal = sql.Literal(verifier.decode("ascii")).as_string(driver)
    conn.exec_driver_sql(f"ALTER ROLE {quote(conn, name)} PASSWORD {literal}")


def group_memberships(conn: Connection, name: str) -> set[str]:
    """The kefu group roles ``name`` is directly a member of."""
    query = sa.text(
        "SELECT g.rolname FROM pg_catalog.pg_auth_members m "
        "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
        "JOIN pg_catalog.pg_roles u ON u.oid = m.member "
        "WHERE u.rolname = :name"
    )
    return {row[0] for row in conn.execute(query, {"name": name})} & set(GROUPS.values())


def sync_group(conn: Connection, name: str, role: Role) -> None:
    """Make ``name`` a member of its role's group only; admins get CREATEROLE."""
    quoted = quote(conn, name)
    target = GROUPS[role]
    current = group_memberships(conn, name)
    for group in sorted(current - {target}):
        conn.exec_driver_sql(f"REVOKE {group} FROM {quoted}")
    if target not in current:
        conn.exec_driver_sql(f"GRANT {target} TO {quoted}")
    conn.exec_driver_sql(
        f"ALTER ROLE {quoted} {'CREATEROLE' if role == 'admin' else 'NOCREATEROLE'}"
    )
