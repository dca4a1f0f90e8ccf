"""The Textual app: language, theme, the library and the database, and the screen stack.

Slow work never blocks typing: the scenario library loads and the database
opens in thread workers after the first frame; screens watch ``library`` and
``store`` and fill in when they arrive.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from simulator import i18n
from simulator.tui import kinsoku
from simulator.tui.drafts import Drafts
from simulator.tui.messages import LanguageChanged, StoreFailed
from simulator.tui.screens.base import KefuModal, KefuScreen, localize_bindings

if TYPE_CHECKING:
    from scoring.yamldoc import YamlProblem
    from simulator.loader import Library
    from simulator.store.base import Store, StoreError

THEMES = ("textual-dark", "textual-light")
FIRST_FRAME_WAIT = 2.0  # seconds the startup workers wait for the first frame, at most
STORE_WAIT = 1.0  # seconds the parsed library waits for the store (and its published scenarios)


kinsoku.install()  # Chinese lines break by the typesetting rule (see the module)


class KefuApp(App[None]):
    """kefu-trainer: practise handling angry buyers."""

    CSS_PATH = "kefu.tcss"
    TITLE = "kefu-trainer"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "help", id="app.help"),
        Binding("f12", "cycle_lang", "language", id="app.lang"),
        Binding("ctrl+t", "toggle_theme", "theme", id="app.theme", show=False),
        Binding("ctrl+q", "quit", "quit", id="app.quit", priority=True),
        Binding(
            "ctrl+p", "command_palette", "palette", id="app.palette", show=False, priority=True
        ),
    ]

    library: var[Library | None] = var(None, init=False)
    store: var[Store | None] = var(None, init=False)

    def __init__(
        self,
        *,
        lang: str | None = None,
        database_url: str | None = None,
        library_paths: Iterable[Path] | None = None,
        clock: Callable[[], float] = time.time,
        user: str | None = None,
    ) -> None:
        super().__init__()
        self._lang_arg = lang or os.environ.get("KEFU_LANG")
        self.translator = i18n.Translator(i18n.normalize_lang(self._lang_arg))
        self.database_url = database_url
        self.library_paths = list(library_paths) if library_paths else None
        self.clock = clock
        self.user = user
        self.store_error: StoreError | None = None  # why the store did not open
        self._first_frame = threading.Event()  # set once Home has been drawn
        self._published_merged = False  # the store's published scenarios are in the library
        self._merge_lock = threading.Lock()  # guards _published_merged between workers
        self._store_settled = threading.Event()  # the store opened, or failed to
        self._opened_store: Store | None = None  # set by the store worker
        self._base_library: Library | None = None  # the installed library, before publishing
        self._keys: dict[str, Mapping[str, str]] = {}  # answer keys of published scenarios
        self.role: str = "trainee"  # the current user's, once the store is open
        self.drafts = Drafts(self)  # unsent replies by attempt id

    # -- language -------------------------------------------------------
    @property
    def lang(self) -> str:
        """The UI language: zh, zh-Hant or en."""
        return self.translator.lang

    def t(self, key: str, **values: object) -> str:
        """A string of the current UI language."""
        return self.translator(key, **values)

    async def set_lang(self, lang: str, *, save: bool = True) -> None:
        """Switch the UI language and re-render every screen."""
        self.translator = i18n.Translator(lang)
        localize_bindings(self, self.t)
        for screen in self.screen_stack:
            if isinstance(screen, KefuScreen | KefuModal):
                await screen.relabel()
        self.refresh_bindings()
        if save and self.store is not None:
            self.save_setting("lang", lang)
        self.post_message(LanguageChanged(lang))

    async def action_cycle_lang(self) -> None:
        """Simplified Chinese -> Traditional Chinese -> English."""
        await self.set_lang(self.translator.next_lang())
        self.notify(self.t("app.lang_now", name=i18n.LANG_NAMES[self.lang]))

    def action_toggle_theme(self) -> None:
        """Dark <-> light."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        self.save_setting("theme", self.theme)

    def action_help(self) -> None:
        """Every key of the current screen and the app."""
        from simulator.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- start-up -------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from simulator.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        localize_bindings(self, self.t)
        self.theme = THEMES[0]
        # The workers start now but wait for the first frame: their imports and
        # parsing (the scorer, SQLAlchemy) would otherwise take the GIL from it.
        self.call_after_refresh(self._first_frame.set)
        self.run_worker(self._load_library, thread=True, name="library", group="startup")
        self.run_worker(self._open_store, thread=True, name="store", group="startup")

    def _after_first_frame(self) -> None:
        """In a startup worker: wait (a little at most) until Home has been drawn."""
        self._first_frame.wait(timeout=FIRST_FRAME_WAIT)

    def _load_library(self) -> None:
        self._after_first_frame()
        from simulator import loader

        lib = loader.load(self.library_paths)
        self._base_library = lib  # without the published: Home's r merges them again
        # The team's published scenarios join the library before it is shown, so
        # screens compose it once. The store usually opens while the files parse;
        # if it is slow, the library comes first and they follow (_merge_published).
        self._store_settled.wait(timeout=STORE_WAIT)
        skipped: list[YamlProblem | str] = []
        with self._merge_lock:
            store = self._opened_store
            if store is not None and not self._published_merged:
                self._published_merged = True
                lib, skipped = self._with_published(lib, store)
        self.call_from_thread(self._library_ready, lib, skipped)

    def _library_ready(self, lib: Library, skipped: list[YamlProblem | str]) -> None:
        self.library = lib
        self._say_skipped(skipped)
        self._merge_published()

    def _merge_published(self) -> None:
        """The store came after the library: add what the team published now."""
        if self.library is None or self.store is None:
            return
        with self._merge_lock:
            if self._published_merged:
                return
            self._published_merged = True
        self.run_worker(
            partial(self._reload_published, self.library, self.store),
            thread=True,
            name="published",
            group="startup",
        )

    def refresh_published(self) -> None:
        """Read the team's published scenarios and sets again (Home's r): a set
        published while the app is open can be opened without a restart."""
        base, store = self._base_library, self.store
        if base is not None and store is not None:
            self.run_worker(
                partial(self._reload_published, base, store),
                thread=True,
                exclusive=True,
                group="published-refresh",
            )

    def _reload_published(self, base: Library, store: Store) -> None:
        """In a worker: ``base`` with the store's published material becomes the
        library, if that changes it (at start, and on Home's r)."""
        merged, skipped = self._with_published(base, store)
        current = self.library
        if current is None or (merged.papers, merged.sets) != (current.papers, current.sets):
            self.call_from_thread(setattr, self, "library", merged)
        self.call_from_thread(self._say_skipped, skipped)

    def _with_published(
        self, lib: Library, store: Store
    ) -> tuple[Library, list[YamlProblem | str]]:
        """In a worker: ``lib`` with the store's published scenarios and sets (a copy),
        and why any were left out (problems, said in the language of the moment they
        are shown); ``lib`` itself when there are none."""
        import dataclasses

        from simulator import papers
        from simulator.store import StoreError

        try:
            scenarios, sets = store.papers(), store.set_papers()
        except StoreError as exc:
            return lib, [exc.text(self.lang)]
        if not scenarios and not sets:
            return lib, []
        merged = dataclasses.replace(
            lib,
            scenarios=dict(lib.scenarios),
            sets=dict(lib.sets),
            docs=dict(lib.docs),
            papers=dict(lib.papers),
        )
        return merged, [*papers.merge(merged, scenarios, sets)]

    def _say_skipped(self, skipped: list[YamlProblem | str]) -> None:
        if skipped:
            said = [s if isinstance(s, str) else s.located(self.lang) for s in skipped]
            self.notify(
                "\n".join(said), title=self.t("app.published_skipped"),
                severity="warning", timeout=30,
            )  # fmt: skip

    def scenario_key(self, scenario_id: str) -> Mapping[str, str] | None:
        """In a worker thread: a published scenario's model replies (fetched once), or
        None while the database keeps them from this person (exam material before
        they submit it) or without a store. Installed scenarios hold their own."""
        if scenario_id in self._keys:
            return self._keys[scenario_id]
        from simulator.store import StoreError

        if self.store is None:
            return None
        try:
            key = self.store.scenario_key(scenario_id)
        except StoreError:
            return None
        if key is not None:
            self._keys[scenario_id] = key
        return key

    def exam_holds(self, scenario_id: str) -> bool:
        """In a worker thread: whether an exam assigned to this person, not yet
        submitted for this scenario, holds it. Its model replies (hints, the
        debrief's) then wait for the exam, as a published exam's do."""
        from simulator.store import StoreError

        store, library = self.store, self.library
        if store is None or library is None:
            return False
        try:
            exams = [a for a in store.assignments_for() if a.mode == "exam"]
            holding = [
                a for a in exams
                if scenario_id in getattr(library.sets.get(a.set_id), "scenarios", ())
            ]  # fmt: skip
            if not holding:
                return False
            mine = store.attempts(scenario_id=scenario_id)
        except StoreError:
            return False
        return any(
            not any(x.assignment_id == a.id and x.status == "finished" for x in mine)
            for a in holding
        )

    def is_published(self, scenario_id: str) -> bool:
        """Whether the scenario came from the team database (its key is fetched apart)."""
        return self.library is not None and scenario_id in self.library.papers

    def _open_store(self) -> None:
        self._after_first_frame()
        from simulator.store import StoreError, open_store

        # KEFU_DATABASE_URL names a database that must exist (a typo would
        # otherwise start an empty one); the default file under KEFU_HOME, or a
        # URL handed to the app, is created on first use.
        named = self.database_url is None and bool(os.environ.get("KEFU_DATABASE_URL", "").strip())
        try:
            store = open_store(self.database_url, user=self.user, create=not named)
            self.role = store.current_user().role
        except StoreError as exc:
            self._store_settled.set()
            self.call_from_thread(self.post_message, StoreFailed(exc))
            return
        self._opened_store = store
        self._store_settled.set()
        self.call_from_thread(self._store_ready, store)

    def _store_ready(self, store: Store) -> None:
        lang = store.get_setting("lang")
        theme = store.get_setting("theme")
        self.store = store
        self._merge_published()
        if theme in THEMES:
            self.theme = theme
        if not self._lang_arg and lang in i18n.LANGS and lang != self.lang:
            self.run_worker(self.set_lang(lang, save=False), group="lang")

    @property
    def is_staff(self) -> bool:
        """A supervisor or an admin: the supervisor screens are theirs."""
        return self.store is not None and self.role in ("supervisor", "admin")

    def on_store_failed(self, message: StoreFailed) -> None:
        self.store_error = message.error
        error = message.error.text(self.lang)
        self.notify(error, title=self.t("app.store_failed"), severity="error", timeout=30)

    def save_setting(self, key: str, value: str) -> None:
        from simulator.store import StoreError

        if self.store is None:
            return
        try:
            self.store.set_setting(key, value)
        except StoreError as exc:
            self.notify(exc.text(self.lang), severity="error")

    def on_unmount(self) -> None:
        if self.store is not None:
            self.drafts.save()
            self.store.close()

    # -- command palette ----------------------------------------------------
    def action_command_palette(self) -> None:
        """Open the command palette, its search prompt and its "no matches" in the UI language."""
        from textual.command import CommandPalette

        from simulator.tui.palette import KefuCommandPalette

        open_already = any(isinstance(s, CommandPalette) for s in self.screen_stack)
        if self.use_command_palette and not open_already:
            self.push_screen(
                KefuCommandPalette(
                    placeholder=self.t("cmd.search"),
                    no_matches=self.t("cmd.no_matches"),
                    id="--command-palette",
                )
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand(self.t("cmd.help"), self.t("cmd.help_help"), self.action_help)
        yield SystemCommand(self.t("cmd.lang"), self.t("cmd.lang_help"), self.action_cycle_lang)
        yield SystemCommand(self.t("cmd.theme"), self.t("cmd.theme_help"), self.action_toggle_theme)
        yield SystemCommand(self.t("cmd.home"), self.t("cmd.home_help"), self.command_home)
        yield SystemCommand(
            self.t("history.palette"), self.t("history.palette_help"), self.command_history
        )
        yield SystemCommand(
            self.t("drill.palette"), self.t("drill.palette_help"), self.command_drill
        )
        if self.is_staff:
            yield SystemCommand(
                self.t("supervisor.palette"), self.t("supervisor.palette_help"), self.command_team
            )
        commands = getattr(screen, "commands", None)
        if callable(commands):
            yield from commands()
        yield SystemCommand(self.t("cmd.quit"), self.t("cmd.quit_help"), self.exit)

    def command_home(self) -> None:
        """Back to the Home screen."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def command_history(self) -> None:
        """Past attempts, trends per criterion and a suggested next scenario."""
        from simulator.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def command_drill(self) -> None:
        """The Script drill (话术练习): practise the shop's standard lines."""
        from simulator.tui.screens.drill_sets import DrillSetsScreen

        if not isinstance(self.screen, DrillSetsScreen):
            self.push_screen(DrillSetsScreen())

    def command_team(self) -> None:
        """Supervisors and admins: the team roster (assignments, transcripts, overrides)."""
        from simulator.tui.screens.supervisor import RosterScreen

        if self.is_staff and not isinstance(self.screen, RosterScreen):
            self.push_screen(RosterScreen())
