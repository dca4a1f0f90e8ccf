"""The ``kefu`` command line. Never imports Textual (see pyproject's import contract).

Subcommands are the verbs a supervisor or trainer would guess: ``score`` for
batch QA of chat logs (more arrive with the scenario engine and the app).
Every user error is a message naming file and line, with a non-zero exit;
never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click

# Subcommands load on use, so ``kefu`` opening the app (or answering --help)
# does not import the scorer, the store and every command's dependencies.
LAZY_COMMANDS = {
    "validate": "simulator.scenario_cli:validate",
    "run": "simulator.scenario_cli:run",
    "play": "simulator.scenario_cli:play",
    "user": "simulator.team_cli:user_cmd",
    "group": "simulator.team_cli:group_cmd",
    "assign": "simulator.team_cli:assign",
    "assignments": "simulator.team_cli:assignments",
    "override": "simulator.team_cli:override",
    "attempts": "simulator.team_cli:attempts_cmd",
    "report": "simulator.team_data_cli:report",
    "export": "simulator.team_data_cli:export",
    "import": "simulator.team_data_cli:import_cmd",
    "backup": "simulator.team_data_cli:backup",
    "publish": "simulator.publish_cli:publish",
    "published": "simulator.publish_cli:published",
    "unpublish": "simulator.publish_cli:unpublish",
}


class _LazyGroup(click.Group):
    """A group whose LAZY_COMMANDS are imported when first looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


_EPILOG_SCORE = """\b
Examples:
  kefu score chats.jsonl -o scored.jsonl
  kefu score chats.jsonl --format csv -o scored.csv --jobs 2
  cat chats.jsonl | kefu score - --format table
  kefu score --text "非常抱歉给您添麻烦了,今天给您补发,运费我们承担"

\b
Input: one conversation per line,
  {"id": "c1", "channel": "chat", "turns": [{"role": "buyer", "text": "..."},
                                            {"role": "agent", "text": "...", "at": "2026-11-24T10:00:00+08:00"}]}
"""


@click.group(
    cls=_LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="kefu-trainer", prog_name="kefu")
@click.option(
    "--lang",
    type=click.Choice(["zh", "zh-Hant", "en"]),
    default=None,
    help="UI language of the app (default: your saved setting, else Simplified Chinese).",
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """kefu-trainer: practise handling angry buyers, and score real chat logs.

    Run without a command on a terminal to open the practice app.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(ctx.get_help())
        click.echo(
            "\nThe practice app needs a terminal; for a plain line-by-line session use "
            "`kefu play SCENARIO`."
        )
        return
    raise SystemExit(_open_app(lang))


def _open_app(lang: str | None) -> int:
    """Start the Textual app. Imported by name so this module never loads Textual itself."""
    import importlib

    tui = importlib.import_module("simulator.tui")
    return int(tui.run(lang=lang))


@main.command(epilog=_EPILOG_SCORE)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("--text", "text", help="Score one agent reply given on the command line.")
@click.option(
    "--channel",
    type=click.Choice(["chat", "review_reply"]),
    default="chat",
    show_default=True,
    help="Channel for --text.",
)
@click.option(
    "-o",
    "--output",
    "out_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write results here instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "table"]),
    help="Output format [default: table on a terminal, else jsonl].",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "zh-Hant", "en"]),
    help="Language of messages [default: feedback in the language of each reply; "
    "errors and the summary in Simplified Chinese, or KEFU_LANG].",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (use the number of cores for big files).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
def score(
    files: tuple[str, ...],
    text: str | None,
    channel: str,
    out_path: str | None,
    fmt: str | None,
    lang: str | None,
    jobs: int,
    quiet: bool,
) -> None:
    """Score agent replies: apology, listening, remedy, no blame, and more.

    FILES are JSONL chat logs (use - for standard input). Output has one line per
    input line, in input order (blank lines are skipped). Exit status is 1 if any
    line could not be scored.
    """
    if text is not None:
        if files:
            raise click.UsageError("give either --text or FILES, not both")
        _score_text(text, channel, fmt, lang, out_path)
        return
    if not files:
        raise click.UsageError("no input: give FILES (or - for standard input), or --text")
    from simulator import output, qa
    from simulator.i18n import Translator, normalize_lang

    # What kefu says itself (bad lines, warnings, the summary), in --lang or
    # else the app's language; feedback on a reply keeps the reply's language.
    said = lang or normalize_lang(os.environ.get("KEFU_LANG"))
    t = Translator(said)
    for name in files:
        if name != "-" and not Path(name).is_file():
            raise click.UsageError(f"{name}: no such file")
        if name != "-" and not os.access(name, os.R_OK):
            raise click.FileError(name, hint="not readable (permission denied)")
    with open_output(out_path) as out:
        fmt = fmt or ("table" if out.isatty() else "jsonl")
        writer = output.writer(fmt, out, lang, bom=out_path is not None and out_path != "-")
        failed, total, warned = 0, 0, 0
        started = time.perf_counter()
        progress = _Progress(not quiet and sys.stderr.isatty(), files, t)
        for name in files:
            for outcome in qa.score_stream(_lines(name), lang=lang, jobs=jobs, errors_lang=said):
                total += 1
                if outcome.error:
                    failed += 1
                    click.echo(f"{_display(name)}:{outcome.line}: {outcome.error}", err=True)
                for warning in outcome.warnings:
                    warned += 1
                    where = f"{_display(name)}:{outcome.line}"
                    click.echo(f"{where}: {t('score.run.warning')}{warning.text(said)}", err=True)
                writer.write(outcome, _display(name))
                progress.tick(total)
        writer.close()
        progress.done()
    if not quiet:
        rate = total / max(time.perf_counter() - started, 1e-9)
        warnings = t("score.run.warnings", n=warned) if warned else ""
        summary = t(
            "score.run.summary",
            ok=total - failed,
            failed=failed,
            warnings=warnings,
            rate=f"{rate:,.0f}",
        )
        click.echo(summary, err=True)
    if failed:
        sys.exit(1)


def _score_text(
    text: str, channel: str, fmt: str | None, lang: str | None, out_path: str | None
) -> None:
    from scoring import score_reply
    from simulator import output, qa
    from simulator.qa_input import MAX_REPLY_CHARS

    if not text.strip():
        raise click.UsageError("--text is empty: give the agent reply to score")
    if len(text) > MAX_REPLY_CHARS:
        raise click.UsageError(
            f"--text is {len(text):,} characters; the limit is {MAX_REPLY_CHARS:,}"
        )
    result = score_reply(text, channel=channel)
    with open_output(out_path) as out:
        fmt = fmt or ("table" if out.isatty() else "jsonl")
        if fmt == "table":
            output.write_reply_report(out, result, lang or result.lang, color=out.isatty())
        elif fmt == "csv":
            # The batch CSV row, for a conversation of this one reply (id "text").
            import json

            line = {"id": "text", "channel": channel, "turns": [{"role": "agent", "text": text}]}
            writer = output.writer("csv", out, lang, bom=out_path is not None and out_path != "-")
            writer.write(qa.score_line(1, json.dumps(line).encode(), lang), "--text")
            writer.close()
        else:
            import json

            out.write(json.dumps(result.to_dict(lang), ensure_ascii=False) + "\n")


def _display(name: str) -> str:
    return "<stdin>" if name == "-" else name


def _lines(name: str) -> Iterator[tuple[int, bytes]]:
    from simulator import qa

    if name == "-":
        yield from qa.numbered_lines(sys.stdin.buffer)
        return
    with open(name, "rb") as fh:
        yield from qa.numbered_lines(fh)


def _cannot_write(path: str, exc: OSError) -> click.ClickException:
    return click.FileError(path, hint=exc.strerror)


@contextlib.contextmanager
def open_output(
    path: str | None,
    cannot_write: Callable[[str, OSError], click.ClickException] = _cannot_write,
) -> Iterator[IO[str]]:
    """Standard output, or ``path`` written whole (via ``path.partial``) on success.

    A failed command leaves no half-written file behind; ``cannot_write``
    makes the error a command raises when ``path`` can't be opened. A path
    that is not a regular file (``/dev/null``, a pipe) is written directly:
    renaming over it would replace the device with a file.
    """
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        try:
            special = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise cannot_write(path, exc) from None
        with special:
            yield special
        return
    tmp = f"{path}.partial"
    try:
        fh = open(tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with fh:
            yield fh
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class _Progress:
    """A progress bar on stderr (a line counter for standard input), redrawn a few times a second."""

    WIDTH = 30

    def __init__(
        self, enabled: bool, files: tuple[str, ...] = (), t: Callable[..., str] | None = None
    ) -> None:
        from simulator.i18n import Translator

        self.enabled = enabled
        self.t = t or Translator("en")
        self.last = 0.0
        self.start = time.perf_counter()
        self.total = 0
        if enabled and files and "-" not in files:
            # One quick pass to count lines, so the bar knows its end.
            for name in files:
                with open(name, "rb") as fh:
                    self.total += sum(1 for line in fh if line.strip())

    def tick(self, n: int) -> None:
        if not self.enabled or n % 200:
            return
        now = time.perf_counter()
        if now - self.last > 0.2:
            self.last = now
            rate = n / max(now - self.start, 1e-9)
            sys.stderr.write("\r" + self.render(n, rate))
            sys.stderr.flush()

    def render(self, n: int, rate: float) -> str:
        """The status line for ``n`` lines done at ``rate`` lines/s."""
        if not self.total:
            return self.t("score.run.counted", n=f"{n:,}", rate=f"{rate:,.0f}")
        frac = min(1.0, n / self.total)
        bar = "█" * int(frac * self.WIDTH) + "░" * (self.WIDTH - int(frac * self.WIDTH))
        eta = (self.total - n) / max(rate, 1e-9)
        return self.t(
            "score.run.bar",
            bar=bar,
            pct=f"{frac:4.0%}",
            n=f"{n:,}",
            total=f"{self.total:,}",
            rate=f"{rate:,.0f}",
            eta=f"{eta:,.0f}",
        )

    def done(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\r" + " " * 90 + "\r")


def entry() -> None:
    """Console-script entry: a clean message instead of a traceback, always."""
    try:
        main(prog_name="kefu")
    except BrokenPipeError:
        # Output piped into head & co: stop quietly, like other Unix tools.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence for users
        if os.environ.get("KEFU_DEBUG"):
            raise
        click.echo(
            f"kefu: internal error: {type(exc).__name__}: {exc} (set KEFU_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(2)


def run(argv: list[str] | None = None) -> Any:
    """Entry point for tests: run the CLI and return its exit code."""
    try:
        main.main(args=argv, prog_name="kefu", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:
        return exc.code
    return 0
