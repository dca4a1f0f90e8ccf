"""Smoke test in a real terminal: ``kefu`` runs in tmux, keys go in, the screen is read back.

Pilot tests cannot show what a trainee's terminal does with Chinese input and
full-width punctuation; tmux can. ``send-keys -l`` types the reply literally,
``capture-pane -p`` returns the screen as text. The test plays one reply of a
scenario, checks the coach ticks and the buyer answers, ``kill -9``\\ s the app
mid-scenario, and checks that the reply is in the SQLite file and that the next
start offers to resume. ``kefu --lang en`` must show an English Home.

Skipped only when tmux is missing and ``KEFU_REQUIRE_TMUX`` is unset; CI
(``.ci/run``) sets it, so there a missing tmux fails the test.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scoring.feedback import localize
from simulator import i18n, loader
from simulator.tui.screens import home_rows

WIDTH, HEIGHT = 100, 30
TIMEOUT = 30.0  # seconds for any one screen to appear (CI machines are slow)
POLL = 0.05
SCENARIO = "kids-bike-presale-question-waited-hours"  # zh-Hans chat, difficulty 1
REPLY = "实在抱歉，让您久等了！请问收货城市是哪里？我帮您看看周六前能不能送到。"

ZH = i18n.Translator("zh")
EN = i18n.Translator("en")


def kefu_command() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m simulator``."""
    script = Path(sys.executable).parent / "kefu"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "simulator"]


class Tmux:
    """One private tmux server (its own ``-L`` socket), killed by :meth:`close`."""

    def __init__(self, home: Path) -> None:
        self.socket = f"kefu-smoke-{uuid.uuid4().hex[:12]}"
        self.home = home
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "TMUX"))}
        env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self.env = env

    def run(self, *args: str) -> str:
        """A tmux command on this server; its stdout."""
        out = subprocess.run(
            ["tmux", "-u", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return out.stdout

    def start(self, name: str, *kefu_args: str) -> int:
        """Start ``kefu`` in a new detached session; returns the app's process id."""
        command = ["exec", "env", "-u", "COLUMNS", "-u", "LINES", "TERM=xterm-256color"]
        command += [f"KEFU_HOME={self.home}", *kefu_command(), *kefu_args]
        self.run(
            "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT),
            shlex.join(command),
            ";", "set-option", "-t", name, "remain-on-exit", "on",  # a crash stays readable
        )  # fmt: skip
        return int(self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def screen(self, name: str) -> str:
        """What the pane shows now, as text."""
        try:
            return self.run("capture-pane", "-p", "-t", name)
        except subprocess.CalledProcessError as exc:
            return f"(no pane: {exc.stderr.strip()})"

    def keys(self, name: str, *keys: str, literal: bool = False) -> None:
        """Press ``keys`` (tmux key names), or type them as text with ``literal``."""
        self.run("send-keys", "-t", name, *(["-l"] if literal else []), *keys)

    def wait(self, name: str, what: str, ok: Callable[[str], bool]) -> str:
        """Poll the screen until ``ok(screen)``; fail with the last screen after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen(name)
            if ok(shown):
                return shown
            time.sleep(POLL)
        pytest.fail(f"timed out after {TIMEOUT:.0f} s waiting for {what}; the screen:\n{shown}")

    def wait_text(self, name: str, *texts: str) -> str:
        """Wait until every one of ``texts`` is on the screen."""
        return self.wait(name, " and ".join(map(repr, texts)), lambda s: all(t in s for t in texts))

    def close(self) -> None:
        """Kill the server and every process in it."""
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True
        )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server with ``KEFU_HOME`` in ``tmp_path``."""
    if shutil.which("tmux") is None:
        if os.environ.get("KEFU_REQUIRE_TMUX"):
            pytest.fail("tmux is not installed but KEFU_REQUIRE_TMUX is set")
        pytest.skip("tmux is not installed (set KEFU_REQUIRE_TMUX=1 to make this a failure)")
    server = Tmux(tmp_path / "home")
    try:
        yield server
    finally:
        server.close()


def home_loaded(t: i18n.Translator, title: str) -> Callable[[str], bool]:
    """Home with the library table filled in (a known scenario title on screen) and the
    database open (its rows read). Only the title's start is looked for: the title column
    cuts long titles.
    """
    loading = (t("app.loading"), t("home.loading"))
    return lambda s: t("home.library") in s and title[:16] in s and not any(x in s for x in loading)


def test_play_kill_and_resume_in_a_real_terminal(tmux: Tmux) -> None:
    library = loader.load()
    scenario = library.scenarios[SCENARIO]
    title = localize(scenario.title, "zh")
    first_title = localize(home_rows.matching(library, {})[0].title, "zh")
    row = [s.id for s in home_rows.matching(library, {})].index(SCENARIO)
    buyer_lines = [line for node in scenario.nodes.values() for line in node.say]

    pid = tmux.start("a")
    tmux.wait("a", "Home with the library and the database", home_loaded(ZH, first_title))

    tmux.keys("a", *["Down"] * row)
    tmux.keys("a", "Enter")
    tmux.wait_text("a", title, ZH("briefing.situation"))
    tmux.keys("a", "Enter")
    tmux.wait_text("a", ZH("chat.coach"), ZH("chat.placeholder"))
    first_buyer = tmux.screen("a")

    tmux.keys("a", REPLY, literal=True)
    apology = f"✓ {ZH('chat.criterion.apology')}"
    tmux.wait_text("a", REPLY, apology)

    tmux.keys("a", "Enter")
    answered = tmux.wait(
        "a",
        "the buyer's answer",
        lambda s: (
            REPLY in s
            and ZH("chat.placeholder") in s
            and any(line[:12] in s and line[:12] not in first_buyer for line in buyer_lines)
        ),
    )
    assert apology not in answered  # the coach starts over for the next reply

    os.kill(pid, signal.SIGKILL)  # mid-scenario: the buyer waits for a second reply
    db = tmux.home / "kefu.sqlite3"
    with sqlite3.connect(db) as conn:
        saved = conn.execute("SELECT text FROM replies").fetchall()
        unfinished = conn.execute("SELECT scenario_id FROM attempts WHERE finished_at IS NULL")
        assert unfinished.fetchall() == [(SCENARIO,)]
    conn.close()
    assert saved == [(REPLY,)]

    tmux.start("b")
    tmux.wait_text("b", ZH("home.resume.title"), ZH("home.resume.resume"))
    tmux.keys("b", "Enter")  # the first button: resume
    resumed = tmux.wait_text("b", REPLY, ZH("chat.placeholder"))
    assert title in resumed


def test_english_home(tmux: Tmux) -> None:
    library = loader.load()
    first = home_rows.matching(library, {})[0]
    tmux.start("en", "--lang", "en")
    shown = tmux.wait("en", "English Home", home_loaded(EN, localize(first.title, "en")))
    assert EN("home.assignments") in shown
    assert ZH("home.library") not in shown
