"""``kefu publish``, ``kefu published`` and ``kefu unpublish``: a team's own scenarios in its database.

Publishing checks the files as ``kefu validate`` does (self-tests included)
and stores each scenario split into its paper and its answer key (see
``simulator.papers``); nothing is stored unless every file is clean. Ids of
the installed library are refused: a published scenario must not be confused
with one whose model replies ship with kefu.
"""

from __future__ import annotations

from pathlib import Path

import click

from simulator.i18n import Translator, counted
from simulator.scenario_cli import LANG_HELP, message_lang
from simulator.team_common import Fail, db_option, echo_table, opened, require_role, when

_EPILOG = """\b
Examples:
  kefu publish my-scenarios/ --exam          exam material: keys locked until submitted
  kefu publish my-scenarios/practice/        practice material: keys readable
  kefu publish my-scenarios/ --lang en       messages in English
  kefu published
  kefu unpublish refund-exam-1
"""


@click.command(epilog=_EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--exam",
    is_flag=True,
    help="Exam material: a trainee reads its model replies only after submitting it in an exam.",
)
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default=None, help=LANG_HELP)
@db_option
def publish(paths: tuple[Path, ...], exam: bool, lang: str | None) -> None:
    """Publish scenarios and sets (files or folders) to the database.

    Trainees then play them without holding the files. Sets published here
    can be assigned with `kefu assign`. Publishing an id again replaces it.
    """
    from simulator import loader, papers
    from simulator.said import shown

    said = message_lang(lang)
    t = Translator(said)
    installed = loader.installed_ids()
    with opened(new=True) as store:
        require_role(store, "publish scenarios")
        published = {p.scenario_id for p in store.papers()}
        lib = loader.load(list(paths), known={*installed.scenarios, *published})
        problems = [
            *loader.empty_folders(paths, scripts=False),
            *lib.problems,
            *loader.test_problems(lib),
        ]
        # The installed files themselves are refused too (file None): they ship with kefu.
        for sid in sorted(lib.scenarios):
            clash = loader.installed_clash("scenario", sid, None, installed)
            if clash:
                problems.append(lib.docs[sid].problem(("id",), clash))
        for set_id in sorted(lib.sets):
            clash = loader.installed_clash("set", set_id, None, installed)
            if clash:
                problems.append(lib.docs[f"set:{set_id}"].problem(("id",), clash))
        if problems:
            for problem in problems:
                click.echo(shown(problem, said), err=True)
            for note in lib.skipped:  # self-tests the problems keep from running
                click.echo(shown(note, said, note=True), err=True)
            count = t("validate.cli.problems", n=len(problems))
            raise Fail(t("validate.publish.refused", problems=count))
        if not lib.scenarios and not lib.sets:
            raise Fail(t("validate.publish.empty", paths=", ".join(map(str, paths))))
        items, sets = papers.publication(lib, exam=exam)
        store.publish(items, sets)
        team = store.backend == "postgresql"
    done = "validate.publish.done_exam" if exam else "validate.publish.done_practice"
    click.echo(t(done, n=len(items), m=len(sets), url=store.url))
    if exam and not team:
        click.echo(t("validate.publish.sqlite_exam"), err=True)


@click.command()
@db_option
def published() -> None:
    """List published scenarios and sets."""
    with opened() as store:
        scenarios, sets = store.papers(), store.set_papers()
    rows = [
        [p.scenario_id, "scenario", "exam" if p.exam else "practice", p.published_by,
         when(p.published_at)]
        for p in scenarios
    ] + [
        [s.set_id, f"set of {len(s.scenarios)}", "", s.published_by, when(s.published_at)]
        for s in sets
    ]  # fmt: skip
    echo_table(["id", "kind", "use", "by", "published"], rows, "nothing published")


@click.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@db_option
def unpublish(ids: tuple[str, ...]) -> None:
    """Remove published scenarios and sets (attempts already made stay)."""
    with opened() as store:
        require_role(store, "unpublish scenarios")
        gone = store.unpublish(ids)
    if not gone:
        raise Fail(f"nothing published under {', '.join(ids)} (see kefu published)")
    click.echo(f"Removed {counted(gone, 'published item')}")
