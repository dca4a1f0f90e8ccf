"""What the supervisor commands share: the ``--db`` option, opening the store
with the caller's identity, dates, tables and the role checks. A storage problem
becomes ``Fail`` (one line ``kefu: <message>``, exit status 1). Never imports
Textual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from simulator.report_text import table

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.store.base import Store, StoreError, User

F = TypeVar("F", bound=Callable[..., Any])
ROLES = ("trainee", "supervisor", "admin")


class Fail(click.ClickException):
    """A user-facing error: ``kefu: <message>`` on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        message = self.format_message()
        click.echo(message if message.startswith("kefu: ") else f"kefu: {message}", err=True)


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        ctx.meta[f"kefu.{key}"] = value
        return value

    return callback


def db_option(func: F) -> F:
    """``--db URL`` and ``--as NAME``, which every team command takes (read by ``opened``)."""
    func = click.option(
        "--as",
        "as_user",
        metavar="NAME",
        expose_value=False,
        callback=_remember("as"),
        help="Act as NAME: your kefu name on SQLite [default: your login]; in team mode "
        "the database role to log in as when the URL names none.",
    )(func)
    return click.option(
        "--db",
        metavar="URL",
        expose_value=False,
        callback=_remember("db"),
        help="Database URL [default: KEFU_DATABASE_URL, else the SQLite file under KEFU_HOME].",
    )(func)


@contextlib.contextmanager
def opened(*, new: bool = False) -> Iterator[Store]:
    """The store for ``--db``/``--as`` (or the defaults); StoreError becomes ``Fail``.

    The default SQLite file under KEFU_HOME is created on first use. A database
    named with ``--db`` or ``KEFU_DATABASE_URL`` must exist, unless the command
    is one that fills a new database (``new``: adding people, importing,
    publishing): any other command would only leave an empty file behind.
    """
    import os

    from simulator import paths
    from simulator.store import StoreError, open_store

    meta = click.get_current_context().meta
    given = meta.get("kefu.db") or os.environ.get("KEFU_DATABASE_URL", "").strip()
    try:
        store = open_store(
            given or paths.database_url(), user=meta.get("kefu.as"), create=new or not given
        )
    except StoreError as exc:
        raise Fail(str(_for_the_command_line(exc))) from None
    try:
        if store.backend != "sqlite":
            store.current_user()  # registered on first use, as in the app: the owner as admin
        _check_actor(store, meta.get("kefu.as"))
        yield store
    except StoreError as exc:
        raise Fail(str(exc)) from None
    finally:
        with contextlib.suppress(Exception):
            store.close()


def _for_the_command_line(error: StoreError) -> StoreError:
    """The store's message as advice for whoever runs a command: a login the
    server does not have may be the owner's, setting up team mode (the app's
    trainee is only told to ask an admin)."""
    from simulator.i18n import Said

    if error.said is not None and error.key == "store.no_login":
        return type(error)(Said("store.no_login_setup", error.said.values))
    return error


def _check_actor(store: Store, name: str | None) -> None:
    """On SQLite, ``--as NAME`` must name someone registered once anyone is:
    a misspelt name would otherwise act as the file's holder, with every right.
    (In team mode the database login decides who you are.)"""
    if store.backend != "sqlite" or not name or store.get_user(name) is not None:
        return
    known = [u.name for u in store.list_users()]
    if known:
        shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
        raise Fail(
            f"--as {name}: nobody of that name is registered here (people: {shown}); "
            "check the spelling, or leave out --as to act as the holder of this file"
        )


def parse_date(value: str | None, option: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from an option, or a clear error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        example = (dt.date.today() + dt.timedelta(days=14)).isoformat()
        raise Fail(f"{option}: {value!r} is not a date; use YYYY-MM-DD, e.g. {example}") from None


def local_midnight(day: dt.date) -> float:
    """POSIX time of the start of ``day`` in local time."""
    return dt.datetime.combine(day, dt.time()).astimezone().timestamp()


def when(ts: float | None) -> str:
    """A POSIX time as local ``YYYY-MM-DD HH:MM``."""
    return "" if ts is None else dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> None:
    """Aligned rows on standard output, or ``empty`` on stderr."""
    if not rows:
        click.echo(empty, err=True)
        return
    for line in table(headers, rows, right=set()):
        click.echo(line)


def load_library(store: Store | None = None) -> Library:
    """The built-in scenario library (sets in scenarios/sets/), with what ``store`` has
    published (a published text that no longer parses is named on stderr and left out)."""
    from simulator import loader

    lib = loader.load()
    if store is not None:
        from simulator import papers

        for why in papers.merge(lib, store.papers(), store.set_papers()):
            click.echo(f"kefu: warning: {why.located('en')}", err=True)
    return lib


STAFF = ("supervisor", "admin")


def require_role(store: Store, doing: str, roles: Sequence[str] = STAFF) -> None:
    """On a local SQLite file, fail if the person acting (``--as`` or the OS login) is
    registered with a role not in ``roles``. Someone kefu does not know is whoever holds
    the file and may do anything; nobody is registered here. So is the computer login
    acting as itself (no ``--as``) while nobody registered may do this at all: the
    practice app registers whoever practises first as a trainee, and a file whose only
    person is a trainee would otherwise be locked for good. (In team mode the database
    decides, from the login.)"""
    user = registered_actor(store)
    if user is None or user.role in roles or _holder_of_unmanaged_file(store, roles):
        return
    who = " or ".join(f"an {r}" if r == "admin" else f"a {r}" for r in roles)
    raise Fail(
        f"{user.name} is a {user.role}: only {who} may {doing}; "
        "on this SQLite file --as NAME says who you are"
    )


def registered_actor(store: Store) -> User | None:
    """On SQLite, the registered person acting (None: the holder, or team mode)."""
    if store.backend != "sqlite":
        return None
    return store.get_user(store.actor())


def _holder_of_unmanaged_file(store: Store, roles: Sequence[str]) -> bool:
    """The OS login acts as itself and nobody registered has any of ``roles``."""
    if click.get_current_context().meta.get("kefu.as"):
        return False
    return not any(u.role in roles for u in store.list_users())


def own_view(store: Store, user: str | None, what: str) -> str | None:
    """The user a listing is limited to: a registered trainee sees only their own
    ``what`` (asking for someone else's is refused); staff and the holder see
    ``user``'s, or everyone's when it is None."""
    me = registered_actor(store)
    if me is None or me.role in STAFF or _holder_of_unmanaged_file(store, STAFF):
        return user
    if user is not None and user != me.name:
        raise Fail(f"{me.name} is a {me.role}: a trainee sees only their own {what}")
    return me.name


def require_user(store: Store, name: str) -> None:
    """Fail unless ``name`` is a known person."""
    if store.get_user(name) is None:
        raise Fail(f"unknown user {name!r}; add them with: kefu user add {name} --role trainee")


def require_group(store: Store, group: str) -> list[str]:
    """The members of ``group`` (with or without ``@``); fail if it has none."""
    members = list(store.group_members(group.lstrip("@")))
    if not members:
        raise Fail(
            f"unknown or empty group {group.lstrip('@')!r}; add people with: "
            f"kefu group add-member {group.lstrip('@')} NAME"
        )
    return members


# -- people -------------------------------------------------------------------------
