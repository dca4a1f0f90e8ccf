"""``kefu validate``, ``kefu run`` and ``kefu play``: scenarios from the command line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from simulator import drill_loader, loader
from simulator.i18n import Translator, label_of

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
  kefu validate my.yaml --lang en       # messages in English
"""

LANG_HELP = (
    "The language of the messages [default: KEFU_LANG if set, else zh (Simplified Chinese)]."
)


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
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default=None, help=LANG_HELP)
def validate(
    paths: tuple[Path, ...],
    fmt: str,
    no_tests: bool,
    jobs: int | None,
    db: str | None,
    lang: str | None,
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
    from simulator.said import shown

    said = message_lang(lang)
    t = Translator(said)
    verdict = loader.check(
        list(paths) if paths else None,
        jobs=jobs,
        run_tests=not no_tests,
        published=partial(_published_ids, db, t),
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
            "problems": [_as_json(p, said) for p in problems],
            "skipped": [_as_json(p, said) for p in skipped],
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for p in problems:
            click.echo(shown(p, said))
        for p in skipped:
            click.echo(shown(p, said, note=True))
        counts = [
            t("validate.cli.scenarios", n=len(verdict.scenarios)),
            t("validate.cli.sets", n=len(verdict.sets)),
            t("validate.cli.script_sets", n=len(scripts.sets)),
        ]
        if not no_tests:
            tests = t("validate.cli.tests", n=verdict.tests)
            if verdict.tests_skipped:
                tests += t("validate.cli.not_run", n=verdict.tests_skipped)
            counts.append(tests)
        verdict_text = (
            t("validate.cli.problems", n=len(problems)) if problems else t("validate.cli.ok")
        )
        click.echo(
            t(
                "validate.cli.summary",
                counts=t("validate.cli.sep").join(counts),
                verdict=verdict_text,
            ),
            err=True,
        )
    if problems:
        sys.exit(1)


def message_lang(lang: str | None) -> str:
    """The language of what kefu says: ``--lang``, else KEFU_LANG, else Simplified Chinese."""
    import os

    from simulator.i18n import normalize_lang

    return lang or normalize_lang(os.environ.get("KEFU_LANG"))


def _as_json(p: YamlProblem, lang: str) -> dict[str, object]:
    return {"file": p.file, "line": p.line, "col": p.col, "message": p.text(lang)}


def _published_ids(db: str | None, t: Translator) -> set[str]:
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
        click.echo(t("validate.cli.unpublished", reason=reason), err=True)
        return set()


def _load(ref: str, lang: str) -> Scenario:
    scenario, problems = loader.find_scenario(ref)
    if problems or scenario is None:
        for p in problems:
            click.echo(p.located(lang), err=True)
        if not problems:
            click.echo(loader.unknown_scenario(ref), err=True)
        raise SystemExit(1)
    return scenario


# ``run`` and ``play`` speak the language of --lang through the UI catalogs, in the
# app's words: the coach's names of the four criteria, the chat's mood line, the
# briefing's policy card, the debrief's ending and score, each check by its text.


def _describe(e: Exchange, t: Translator) -> list[str]:
    """What one reply did: the four criteria, the mood change and why, any broken promise."""
    from scoring.feedback import localize

    crit = " ".join(
        f"{label_of(t, f'chat.criterion.{k}')}{'✓' if v else '✗'}"
        for k, v in e.result.criteria.items()
    )
    text = t(
        "chat.mood_change", before=e.mood_before, after=e.mood_after, change=f"{e.mood_change:+d}"
    )
    reasons = [localize(m, t.lang) for m in e.reasons]
    if reasons:
        text += t("chat.because", reasons=t("chat.reason_sep").join(reasons))
    out = [f"    [{crit}] {text}"]
    out += [f"    {t('chat.breach', what=localize(b, t.lang))}" for b in e.breaches]
    return out


def _policy(s: Scenario, t: Translator) -> list[str]:
    """The shop's policy card, as the app's briefing shows it: the remedies allowed (with
    their limits), who pays the return postage, the notes."""
    from scoring.feedback import localize
    from simulator.scenario import money

    sep = t("briefing.sep")
    allowed = []
    for kind, cap in s.policy.allowed.items():
        limit = localize(money(cap, s.order.get("currency")), t.lang) if cap is not None else None
        name = label_of(t, f"briefing.remedy.{kind}")
        allowed.append(name + (t("briefing.limit", max=limit) if limit is not None else ""))
    out = [
        t("briefing.policy_card"),
        f"  {t('briefing.allowed')}{sep}{t('preview.list_sep').join(allowed)}",
        f"  {t('briefing.postage')}{sep}{t(f'briefing.payer.{s.policy.return_postage}')}",
    ]
    if s.policy.notes:
        out.append(f"  {t('briefing.notes')}{sep}{localize(s.policy.notes, t.lang)}")
    return out


def _checks(s: Scenario, checks: Mapping[str, bool], t: Translator) -> list[str]:
    """The scenario's must / must-not checks by their text, as the debrief lists them."""
    from scoring.feedback import localize

    return [f"  {'✓' if checks.get(c.id) else '✗'} {localize(c.text, t.lang)}" for c in s.checks]


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

    t = Translator(lang)
    s = _load(scenario, lang)
    try:
        # utf-8-sig: a byte-order mark (Notepad, Excel) is not part of the first reply
        lines = [ln.strip() for ln in replies.read_text(encoding="utf-8-sig").splitlines()]
    except UnicodeDecodeError as exc:
        raise click.ClickException(t("preview.not_utf8", file=replies, at=exc.start + 1)) from None
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    session = Session(s, seed=seed)
    buyer, agent, sep = t("preview.buyer"), t("preview.agent"), t("briefing.sep")
    out: list[str] = [f"{buyer}{sep}{session.current_line}"]
    for reply in lines:
        if session.ended:
            click.echo(t("preview.ended_early", file=replies), err=True)
            break
        e = session.submit(reply)
        out += [f"{agent}{sep}{reply}", *_describe(e, t), f"{buyer}{sep}{e.buyer_line}"]
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
    outcome = t(f"debrief.outcome.{result.outcome}") if result.outcome else "-"
    ending = result.ending or t("preview.not_ended")
    click.echo(
        "\n"
        + t("preview.result", ending=ending, outcome=outcome, mood=result.mood, score=result.score)
    )
    for line in data["feedback"]:
        click.echo(f"  {line}")
    for line in _checks(s, result.checks, t):
        click.echo(line)


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

    t = Translator(lang)
    s = _load(scenario, lang)
    click.echo(f"== {localize(s.title, lang)} ==\n{localize(s.situation, lang)}")
    click.echo("\n".join(_policy(s, t)) + "\n")
    session = Session(s, seed=seed, started_at=time.time())
    sep = t("briefing.sep")
    click.echo(f"{s.buyer.name}{sep}{session.current_line}")
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
        click.echo("\n".join(_describe(e, t)))
        click.echo(f"{s.buyer.name}{sep}{e.buyer_line}")
    result = session.result()
    data = result.to_dict(lang)
    if result.outcome is None:
        click.echo("\n" + t("debrief.not_ended"))
    else:
        outcome = t(f"debrief.outcome.{result.outcome}")
        summary = localize(result.summary, lang) if result.summary else ""
        click.echo("\n" + t("debrief.ending", outcome=outcome, summary=summary))
    click.echo(t("debrief.score", score=result.score))
    for line in data["feedback"]:
        click.echo(f"  {line}")
    for line in _checks(s, result.checks, t):
        click.echo(line)
