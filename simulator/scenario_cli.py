"""``kefu validate``, ``kefu run`` and ``kefu play``: scenarios from the command line."""

from __future__ import annotations

import json
import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from simulator import drill_loader, loader

if TYPE_CHECKING:
    from scoring.yamldoc import YamlProblem
    from simulator.scenario import Scenario
    from simulator.session import Exchange

# ``run`` and ``play`` import the scorer's feedback and the dialogue engine when
# they start: ``kefu validate`` needs neither.

_EPILOG_VALIDATE = """\b
Examples:
  kefu validate                         # the built-in library, with self-tests
  kefu validate scenarios/wrong_item/   # a folder
  kefu validate my.yaml --format json
  kefu validate scenarios/scripts/      # script sets (Script drill)
"""


@click.command(epilog=_EPILOG_VALIDATE)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-tests", is_flag=True, help="Skip the scenarios' self-tests.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for many files [default: the number of cores].",
)
@click.option(
    "--db",
    metavar="URL",
    help="The database whose published scenarios a set may name, as for kefu publish "
    "[default: KEFU_DATABASE_URL, else the SQLite file under KEFU_HOME if there is one].",
)
def validate(
    paths: tuple[Path, ...], fmt: str, no_tests: bool, jobs: int | None, db: str | None
) -> None:
    """Check scenario, set and script set files: format, graph, policy, and self-tests.

    PATHS are files or folders (default: the built-in library); a folder's
    .yaml and .yml files are checked. A YAML file in a folder named `scripts`
    is a script set (the Script drill). Every problem is reported as
    FILE:LINE:COL: message; the exit status is 1 if any, or if a folder holds
    nothing to check.

    Your own files are checked as kefu publish checks them: an id of the
    installed library is refused, and a set may name installed scenarios and
    those published to the database.
    """
    verdict = loader.check(
        list(paths) if paths else None,
        jobs=jobs,
        run_tests=not no_tests,
        published=partial(_published_ids, db),
    )
    scripts = drill_loader.load_scripts(list(paths) if paths else None)
    problems = (
        loader.empty_folders(paths) + verdict.problems + scripts.problems + verdict.test_problems
    )
    problems.sort(key=lambda p: (p.file, p.line, p.col))
    # Self-tests a scenario's problems keep from running: noted, and not counted as run.
    skipped = [] if no_tests else sorted(verdict.skipped, key=lambda p: (p.file, p.line, p.col))
    if fmt == "json":
        click.echo(json.dumps({
            "files": verdict.files + scripts.files, "scenarios": sorted(verdict.scenarios),
            "sets": sorted(verdict.sets), "script_sets": sorted(scripts.sets),
            "tests": 0 if no_tests else verdict.tests,
            "tests_skipped": 0 if no_tests else verdict.tests_skipped,
            "problems": [_as_json(p) for p in problems],
            "skipped": [_as_json(p) for p in skipped],
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for p in problems:
            click.echo(str(p))
        for p in skipped:
            click.echo(f"{p.file}:{p.line}:{p.col}: note: {p.message}")
        counts = [
            _count(len(verdict.scenarios), "scenario"),
            _count(len(verdict.sets), "set"),
            _count(len(scripts.sets), "script set"),
        ]
        if not no_tests:
            tests = _count(verdict.tests, "self-test")
            if verdict.tests_skipped:
                tests += f" ({verdict.tests_skipped} not run)"
            counts.append(tests)
        verdict_text = "ok" if not problems else _count(len(problems), "problem")
        click.echo(f"{', '.join(counts)}: {verdict_text}", err=True)
    if problems:
        sys.exit(1)


def _as_json(p: YamlProblem) -> dict[str, object]:
    return {"file": p.file, "line": p.line, "col": p.col, "message": p.message}


def _published_ids(db: str | None) -> set[str]:
    """The ids of the scenarios published to the database ``kefu publish`` would use
    (``--db``, else KEFU_DATABASE_URL, else the local SQLite file if it exists: none
    is created here). A database that cannot be read is said on stderr."""
    import os

    from simulator import paths
    from simulator.store import StoreError, open_store

    url = db or os.environ.get("KEFU_DATABASE_URL", "").strip()
    if not url:
        local = paths.sqlite_path(create=False)
        if not local.is_file():
            return set()
        url = f"sqlite:///{local}"
    try:
        store = open_store(url, create=False)
        try:
            return {p.scenario_id for p in store.papers()}
        finally:
            store.close()
    except StoreError as exc:
        reason = str(exc).removeprefix("kefu: ")
        click.echo(
            f"kefu: note: cannot read the published scenarios ({reason}); a set naming "
            "one is reported as naming an unknown scenario",
            err=True,
        )
        return set()


def _load(ref: str) -> Scenario:
    scenario, problems = loader.find_scenario(ref)
    if problems or scenario is None:
        for p in problems:
            click.echo(str(p), err=True)
        if not problems:
            click.echo(loader.unknown_scenario(ref), err=True)
        raise SystemExit(1)
    return scenario


def _describe(e: Exchange, lang: str) -> str:
    from scoring.feedback import localize

    sign = "+" if e.mood_change > 0 else ""
    why = "; ".join(localize(m, lang) for m in (*e.reasons, *e.breaches))
    crit = " ".join(f"{k}{'✓' if v else '✗'}" for k, v in e.result.criteria.items())
    return f"    [{crit}] mood {e.mood_before}→{e.mood_after} ({sign}{e.mood_change}){': ' + why if why else ''}"


@click.command()
@click.argument("scenario")
@click.option(
    "--replies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="A text file with one trainee reply per line (# starts a comment).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the transcript and result as JSON.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default="zh", show_default=True)
def run(scenario: str, replies: Path, as_json: bool, seed: int, lang: str) -> None:
    """Play SCENARIO (an id or a file) headless with scripted replies.

    \b
    Example:
      kefu run wrong-size-shoes --replies replies.txt --json
    """
    from simulator.session import Session

    s = _load(scenario)
    try:
        lines = [ln.strip() for ln in replies.read_text(encoding="utf-8").splitlines()]
    except UnicodeDecodeError:
        raise click.ClickException(f"{replies}: not valid UTF-8") from None
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    session = Session(s, seed=seed)
    out: list[str] = [f"buyer: {session.current_line}"]
    for reply in lines:
        if session.ended:
            click.echo(f"{replies}: the conversation ended before all replies were used", err=True)
            break
        e = session.submit(reply)
        out += [f"agent: {reply}", _describe(e, lang), f"buyer: {e.buyer_line}"]
    result = session.result()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "scenario": s.id,
                    "session": session.to_dict(),
                    "transcript": session.transcript(),
                    "result": result.to_dict(lang),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo("\n".join(out))
    data = result.to_dict(lang)
    click.echo(
        f"\nending: {data['ending'] or '(not ended)'}  outcome: {data['outcome']}  mood: {data['mood']}  "
        f"score: {data['score']}"
    )
    for line in data["feedback"]:
        click.echo(f"  {line}")
    for name, ok in data["checks"].items():
        click.echo(f"  {'✓' if ok else '✗'} {name}")


@click.command()
@click.argument("scenario")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default="zh", show_default=True)
def play(scenario: str, seed: int, lang: str) -> None:
    """Play SCENARIO line by line in a plain terminal (type your reply, Enter sends).

    Type /quit to stop. Replies are timed against the scenario's target.
    """
    from scoring.feedback import localize
    from simulator.session import Session

    s = _load(scenario)
    click.echo(f"== {localize(s.title, lang)} ==\n{localize(s.situation, lang)}")
    if s.policy.notes:
        click.echo(f"policy: {localize(s.policy.notes, lang)}")
    click.echo(f"allowed: {', '.join(s.policy.allowed)}\n")
    session = Session(s, seed=seed, started_at=time.time())
    click.echo(f"{s.buyer.name}: {session.current_line}")
    while not session.ended:
        try:
            reply = input("> ").strip()
        except EOFError:
            break
        if reply == "/quit":
            break
        if not reply:
            continue
        e = session.submit(reply, at=time.time())
        click.echo(_describe(e, lang))
        click.echo(f"{s.buyer.name}: {e.buyer_line}")
    data = session.result().to_dict(lang)
    click.echo(f"\nending: {data['ending'] or '(stopped)'}  score: {data['score']}")
    for line in data["feedback"]:
        click.echo(f"  {line}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
